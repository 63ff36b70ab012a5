package org.iommusim.core.host;

import org.iommusim.core.uapi.ErrnoException;

/**
 * What the front end asks of a vendor's host driver: the shape of Linux's {@code iommu_ops} and
 * {@code iommu_domain_ops} (hw_info, domain allocation for a nest parent, nested domain allocation from
 * user data, attach with a PASID, map/unmap, user cache invalidation), plus the three calls of the 2020
 * type1 nesting proposal (bind a guest page table, install a guest PASID table, invalidate from an
 * {@code iommu_cache_invalidate_info}). An implementation programs its IOMMU only through registers and
 * memory; everything it reports is computed from the IOMMU's own ID/capability registers.
 *
 * <p>User data arrives as the bytes user space passed; a driver decodes them with the kernel's rules and
 * refuses what the kernel refuses with the kernel's errno ({@link ErrnoException}), changing nothing.
 */
public interface HostIommuDriver {
    /** The machine kind this driver drives ("vtd", "smmuv3", "smmuv2"). */
    String kind();

    /** The nesting answers and the stage-1 format, from the registers (the seed's matrix). */
    NestingCapabilities nesting();

    /** iommufd's IOMMU_GET_HW_INFO answer. */
    HwInfo hwInfo();

    /** Width of the IOVA space a paging domain translates (its input address size). */
    int iovaBits();

    /** The page sizes a paging domain maps, as a bitmap (bit n: 2^n bytes). */
    long pageSizes();

    /** A paging (stage-2 capable) domain; {@code nestParent}: one that nested domains may sit on. */
    PagingDomain allocPaging(boolean nestParent) throws ErrnoException;

    /**
     * A paging domain that can track dirty pages (IOMMU_HWPT_ALLOC_DIRTY_TRACKING); EOPNOTSUPP where the
     * host driver does not offer it.
     */
    default PagingDomain allocPaging(boolean nestParent, boolean dirtyTracking) throws ErrnoException {
        if (dirtyTracking) {
            throw org.iommusim.core.uapi.Errno.EOPNOTSUPP.failure("no dirty tracking on this IOMMU");
        }
        return allocPaging(nestParent);
    }

    /** Attaches a device (requester ID / StreamID) to a domain, for requests without a PASID. */
    void attach(int sid, Domain domain) throws ErrnoException;

    /** Attaches a device's PASID / SubstreamID to a domain. */
    void attachPasid(int sid, int pasid, Domain domain) throws ErrnoException;

    /** Detaches a device (its requests then fault), or one of its PASIDs. */
    void detach(int sid, int pasid) throws ErrnoException;

    /** Frees a domain nothing is attached to. */
    void free(Domain domain);

    /**
     * The kernel's fault interrupt handler, run when the IOMMU signals a fault: consumes every pending fault
     * record or event and clears the fault status (Linux's dmar_fault, arm_smmu_evtq_thread,
     * arm_smmu_context_fault). Returns how many records, events or faulting context banks it handled. Until
     * it runs, the hardware keeps what the specification says it keeps: VT-d's recording registers fill
     * (then FSTS.PFO), the SMMUv3 event queue fills (then overflows), and an SMMUv2 context bank with an
     * outstanding fault terminates later transactions (SCTLR.HUPCF clear, as Linux leaves it). The
     * default, for a driver with no fault reporting, handles nothing.
     */
    default int handleFaults() {
        return 0;
    }

    // ---- iommufd ----

    /**
     * True when iommufd may allocate a nest-parent HWPT here (Linux drivers with
     * domain_alloc_paging_flags and nesting); a driver whose Linux counterpart has no iommufd nesting
     * says false even when its hardware nests through the 2020 type1 calls.
     */
    default boolean iommufdNesting() {
        return nesting().nesting();
    }

    /** A nested domain over {@code parent} from {@code iommu_hwpt_alloc} user data of {@code dataType}. */
    NestedDomain allocNested(PagingDomain parent, int dataType, byte[] data) throws ErrnoException;

    /** A vIOMMU of {@code type} over a nest-parent domain, or EOPNOTSUPP. */
    Viommu allocViommu(PagingDomain parent, int type) throws ErrnoException;

    // ---- the 2020 type1 nesting calls ----

    /** BIND_PGTBL: an {@code iommu_gpasid_bind_data} for device {@code sid} over {@code parent}. */
    void bindGuestPgtbl(PagingDomain parent, int sid, byte[] bindData) throws ErrnoException;

    /** UNBIND_PGTBL. */
    void unbindGuestPgtbl(PagingDomain parent, int sid, byte[] bindData) throws ErrnoException;

    /** SET_PASID_TABLE: an {@code iommu_pasid_table_config} for device {@code sid} over {@code parent}. */
    void setPasidTable(PagingDomain parent, int sid, byte[] config) throws ErrnoException;

    /** SET_PASID_TABLE with UNSET: back to stage 2 only. */
    void unsetPasidTable(PagingDomain parent, int sid) throws ErrnoException;

    /** CACHE_INVALIDATE: one {@code iommu_cache_invalidate_info} from the guest of device {@code sid}. */
    void cacheInvalidate(PagingDomain parent, int sid, byte[] info) throws ErrnoException;
}
