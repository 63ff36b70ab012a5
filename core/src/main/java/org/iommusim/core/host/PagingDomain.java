package org.iommusim.core.host;

import java.util.BitSet;

import org.iommusim.core.uapi.Errno;
import org.iommusim.core.uapi.ErrnoException;

/** A paging domain's map/unmap (iommu_domain_ops): the host's stage 2, built in host memory. */
public interface PagingDomain extends Domain {
    int PROT_READ = 1;
    int PROT_WRITE = 2;

    /** The {@link org.iommusim.core.request.Permissions} bits of PROT_* bits. */
    static int permissions(int prot) {
        return ((prot & PROT_READ) != 0 ? org.iommusim.core.request.Permissions.READ : 0)
                | ((prot & PROT_WRITE) != 0 ? org.iommusim.core.request.Permissions.WRITE : 0);
    }

    /**
     * Maps {@code [iova, iova + size)} to {@code pa} with {@code prot}, with the largest pages alignment
     * allows; every page must be free ({@code EEXIST} otherwise, and nothing is mapped).
     */
    void map(long iova, long pa, long size, int prot) throws ErrnoException;

    /** Unmaps {@code [iova, iova + size)}, invalidates the IOTLB for it and waits; returns the bytes unmapped. */
    long unmap(long iova, long size);

    /** Turns the hardware's dirty-bit updates on or off (IOMMU_HWPT_SET_DIRTY_TRACKING). */
    default void setDirtyTracking(boolean on) throws ErrnoException {
        throw Errno.EOPNOTSUPP.failure("the domain cannot track dirty pages");
    }

    /**
     * Sets bit i of {@code bitmap} for each dirty page of {@code pageSize} at {@code iova + i * pageSize} in
     * {@code [iova, iova + length)}, clearing the hardware's dirty bits (and the IOTLB entries that cache
     * them) unless {@code keep} (IOMMU_HWPT_GET_DIRTY_BITMAP and its NO_CLEAR flag). EINVAL when part of
     * the range is not mapped.
     */
    default void readAndClearDirty(long iova, long length, long pageSize, boolean keep, BitSet bitmap)
            throws ErrnoException {
        throw Errno.EOPNOTSUPP.failure("the domain cannot track dirty pages");
    }
}
