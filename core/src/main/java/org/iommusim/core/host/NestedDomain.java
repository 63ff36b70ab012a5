package org.iommusim.core.host;

/** A nested domain: a guest's stage 1 over a nest-parent paging domain. */
public interface NestedDomain extends Domain {
    /**
     * IOMMU_HWPT_INVALIDATE on this domain: {@code entryNum} entries of {@code entryLen} bytes of
     * {@code dataType}, applied in order until one is refused.
     */
    InvalidationResult invalidateUser(int dataType, byte[] entries, int entryLen, int entryNum);
}
