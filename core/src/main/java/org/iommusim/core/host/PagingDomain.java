package org.iommusim.core.host;

import org.iommusim.core.uapi.ErrnoException;

/** A paging domain's map/unmap (iommu_domain_ops): the host's stage 2, built in host memory. */
public interface PagingDomain extends Domain {
    int PROT_READ = 1;
    int PROT_WRITE = 2;

    /**
     * Maps {@code [iova, iova + size)} to {@code pa} with {@code prot}, with the largest pages alignment
     * allows; every page must be free ({@code EEXIST} otherwise, and nothing is mapped).
     */
    void map(long iova, long pa, long size, int prot) throws ErrnoException;

    /** Unmaps {@code [iova, iova + size)}, invalidates the IOTLB for it and waits; returns the bytes unmapped. */
    long unmap(long iova, long size);
}
