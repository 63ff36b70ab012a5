package org.iommusim.core.host;

/** An iommu_domain: what a device (or one of its PASIDs) is attached to. */
public interface Domain {
    /** True when nested domains may be allocated over this one (IOMMU_HWPT_ALLOC_NEST_PARENT). */
    default boolean nestParent() {
        return false;
    }
}
