package org.iommusim.core.host;

import org.iommusim.core.uapi.ErrnoException;

/** A vIOMMU: one VM's slice of the IOMMU (its VMID, its virtual StreamIDs), over a nest parent. */
public interface Viommu {
    PagingDomain parent();

    /** A vDEVICE: the device {@code sid} known to the guest as {@code virtualId}. */
    void addDevice(int sid, long virtualId) throws ErrnoException;

    void removeDevice(int sid);

    /** A nested domain allocated through this vIOMMU from {@code iommu_hwpt_alloc} user data. */
    NestedDomain allocNested(int dataType, byte[] data) throws ErrnoException;

    /** IOMMU_HWPT_INVALIDATE on the vIOMMU (commands of the guest's own queue). */
    InvalidationResult invalidateUser(int dataType, byte[] entries, int entryLen, int entryNum);
}
