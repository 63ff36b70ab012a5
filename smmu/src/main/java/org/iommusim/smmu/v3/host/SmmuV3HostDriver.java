package org.iommusim.smmu.v3.host;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.iommusim.core.host.Domain;
import org.iommusim.core.host.HostIommuDriver;
import org.iommusim.core.host.HwInfo;
import org.iommusim.core.host.NestedDomain;
import org.iommusim.core.host.NestingCapabilities;
import org.iommusim.core.host.PageSizes;
import org.iommusim.core.host.PagingDomain;
import org.iommusim.core.host.Viommu;
import org.iommusim.core.host.type1.CacheInvalidateInfo;
import org.iommusim.core.host.type1.PasidTableConfig;
import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.uapi.Errno;
import org.iommusim.core.uapi.ErrnoException;
import org.iommusim.smmu.v3.command.Command;
import org.iommusim.smmu.v3.command.Opcode;
import org.iommusim.smmu.v3.driver.CdTable;
import org.iommusim.smmu.v3.driver.DriverMemory;
import org.iommusim.smmu.v3.driver.IoPageTable;
import org.iommusim.smmu.v3.driver.PageAllocator;
import org.iommusim.smmu.v3.driver.Prot;
import org.iommusim.smmu.v3.driver.SmmuV3Driver;
import org.iommusim.smmu.v3.registers.IdRegisters;
import org.iommusim.smmu.v3.ste.SteField;
import org.iommusim.smmu.v3.ste.StreamTableEntry;
import org.iommusim.smmu.vmsa.Granule;

/**
 * The SMMUv3 side of the front end (the role of Linux's arm-smmu-v3 {@code iommu_ops} and its iommufd
 * part, arm-smmu-v3-iommufd.c): a paging domain is a stage-2 table with a VMID (a stage-1 table with an
 * ASID on an SMMU without stage 2); a nested domain is a guest STE (S1ContextPtr = the guest's CD table,
 * an IPA) installed with Config = nested over its parent's stage 2 (IHI 0070 5.2, 3.3.2). Guest
 * invalidations become CMD_TLBI_NH_* with the VM's VMID and CMD_CFGI_CD with the physical StreamID,
 * then CMD_SYNC (4.4, 4.7). Everything goes through {@link SmmuV3Driver}: registers and memory only.
 */
public final class SmmuV3HostDriver implements HostIommuDriver {
    private final SmmuV3Driver driver;
    private final PageAllocator allocator;
    private final IdRegisters id;
    private final Granule granule;
    private final int bits;
    private final NestingCapabilities nesting;
    private final Map<Integer, Domain> attached = new HashMap<>();
    private int nextVmid = 1;
    private int nextAsid = 1;

    public SmmuV3HostDriver(Iommu smmu, long regionStart, long regionEnd) {
        PhysicalMemory memory = smmu.memory();
        this.allocator = new PageAllocator(DriverMemory.physical(memory), regionStart, regionEnd);
        this.driver = new SmmuV3Driver(smmu, allocator, SmmuV3Driver.StreamTableFormat.TWO_LEVEL, 16);
        this.id = driver.idRegisters();
        this.granule = id.granuleSupported(Granule.GRANULE_4K) ? Granule.GRANULE_4K
                : id.granuleSupported(Granule.GRANULE_16K) ? Granule.GRANULE_16K : Granule.GRANULE_64K;
        this.bits = Math.max(32, Math.min(id.oasBits(), 48));
        this.nesting = SmmuV3Capabilities.of(id);
        driver.init();
    }

    @Override
    public String kind() {
        return "smmuv3";
    }

    @Override
    public NestingCapabilities nesting() {
        return nesting;
    }

    @Override
    public HwInfo hwInfo() {
        return SmmuV3Capabilities.hwInfo(id);
    }

    @Override
    public int iovaBits() {
        return bits;
    }

    @Override
    public long pageSizes() {
        long sizes = 0;
        for (int level = 1; level <= Granule.FINAL_LEVEL; level++) {
            if (level == Granule.FINAL_LEVEL || granule.blockAllowed(level)) {
                sizes |= 1L << granule.levelShift(level);
            }
        }
        return sizes;
    }

    @Override
    public PagingDomain allocPaging(boolean nestParent) throws ErrnoException {
        if (nestParent && !SmmuV3Capabilities.nesting(id)) {
            throw Errno.EOPNOTSUPP.failure("a nest parent needs both stages (IDR0.S1P and S2P)");
        }
        if (!id.s1p() && !id.s2p()) {
            throw Errno.EOPNOTSUPP.failure("the SMMU translates in no stage");
        }
        boolean stage2 = id.s2p();
        IoPageTable table = new IoPageTable(allocator, stage2 ? 2 : 1, granule, bits, bits);
        if (stage2) {
            return new Paging(table, nextVmid++, 0, null, nestParent);
        }
        CdTable cds = new CdTable(allocator, StreamTableEntry.S1FMT_LINEAR, 0);
        int asid = nextAsid++;
        cds.write(0, asid, table, 0);
        return new Paging(table, 0, asid, cds, false);
    }

    @Override
    public void attach(int sid, Domain domain) throws ErrnoException {
        if (domain instanceof Paging p) {
            if (p.cds != null) {
                driver.attachStage1(sid, p.cds);
            } else {
                driver.attachStage2(sid, p.vmid, p.table);
            }
        } else if (domain instanceof Nested n) {
            n.install(sid);
        } else {
            throw Errno.EINVAL.failure("not an SMMUv3 domain");
        }
        attached.put(sid, domain);
    }

    @Override
    public void attachPasid(int sid, int pasid, Domain domain) throws ErrnoException {
        throw Errno.EOPNOTSUPP.failure("a guest's SubstreamIDs are in its own CD table (attach a nested domain)");
    }

    @Override
    public void detach(int sid, int pasid) {
        if (pasid == TranslationRequest.NO_PASID && attached.remove(sid) != null) {
            driver.attachAbort(sid);
        }
    }

    @Override
    public void free(Domain domain) {
        // VMIDs and ASIDs are not reused; the tables stay where they were.
    }

    /** Drains the event queue (arm_smmu_evtq_thread without the printing). */
    @Override
    public int handleFaults() {
        int n = 0;
        while (driver.nextEvent() != null) {
            n++;
        }
        return n;
    }

    @Override
    public NestedDomain allocNested(PagingDomain parent, int dataType, byte[] data) throws ErrnoException {
        throw Errno.EOPNOTSUPP.failure("an SMMUv3 nested domain is allocated through a vIOMMU");
    }

    @Override
    public Viommu allocViommu(PagingDomain parent, int type) throws ErrnoException {
        if (type != SmmuV3Uapi.VIOMMU_TYPE_ARM_SMMUV3) {
            throw Errno.EOPNOTSUPP.failure("vIOMMU type " + type + " is not IOMMU_VIOMMU_TYPE_ARM_SMMUV3");
        }
        if (!(parent instanceof Paging p) || !p.nestParent) {
            throw Errno.EINVAL.failure("a vIOMMU needs a nest-parent stage-2 domain");
        }
        return new SmmuV3Viommu(this, p);
    }

    // ---- the 2020 type1 nesting calls (Eric Auger's series) ----

    private Paging nestParent(PagingDomain parent) throws ErrnoException {
        if (!(parent instanceof Paging p) || !p.nestParent) {
            throw Errno.EINVAL.failure("the container's domain cannot nest");
        }
        return p;
    }

    @Override
    public void bindGuestPgtbl(PagingDomain parent, int sid, byte[] bindData) throws ErrnoException {
        throw Errno.EOPNOTSUPP.failure("SMMUv3 takes the guest's whole CD table (SET_PASID_TABLE), not one page table");
    }

    @Override
    public void unbindGuestPgtbl(PagingDomain parent, int sid, byte[] bindData) throws ErrnoException {
        bindGuestPgtbl(parent, sid, bindData);
    }

    /**
     * arm_smmu_attach_pasid_table: TRANSLATE installs a nested STE with the guest's CD table (S1Fmt and
     * S1DSS known values, S1CDMax within IDR1.SSIDSIZE, a 64-byte aligned pointer: EINVAL otherwise),
     * BYPASS leaves stage 2 alone, ABORT aborts the stream.
     */
    @Override
    public void setPasidTable(PagingDomain parent, int sid, byte[] bytes) throws ErrnoException {
        Paging p = nestParent(parent);
        PasidTableConfig c = PasidTableConfig.decode(bytes);
        switch (c.config()) {
            case PasidTableConfig.CONFIG_ABORT -> driver.attachAbort(sid);
            case PasidTableConfig.CONFIG_BYPASS -> driver.attachStage2(sid, p.vmid, p.table);
            default -> {
                if (c.s1fmt() > StreamTableEntry.S1FMT_2LVL_64K || c.s1dss() > StreamTableEntry.S1DSS_SSID0
                        || c.pasidBits() > id.ssidSize() || (c.basePtr() & 63) != 0
                        || (c.basePtr() & ~StreamTableEntry.S1_CONTEXT_PTR_MASK) != 0
                        || c.s1fmt() != StreamTableEntry.S1FMT_LINEAR && !id.cd2l()) {
                    throw Errno.EINVAL.failure("iommu_pasid_table_config: format, DSS, size or pointer");
                }
                long dw0 = SteField.s1ContextPtr(c.basePtr()) | SteField.s1Fmt(c.s1fmt()) | SteField.s1CdMax(c.pasidBits());
                driver.attachNestedWords(sid, p.vmid, p.table, dw0, SteField.s1Dss(c.s1dss()));
            }
        }
    }

    @Override
    public void unsetPasidTable(PagingDomain parent, int sid) throws ErrnoException {
        Paging p = nestParent(parent);
        driver.attachStage2(sid, p.vmid, p.table);
    }

    /**
     * arm_smmu_cache_invalidate: IOTLB by DOMAIN (every stage-1 entry of the VM: CMD_TLBI_NH_ALL), by
     * PASID with an ARCHID (the ASID: CMD_TLBI_NH_ASID) or by ADDR with an ARCHID (CMD_TLBI_NH_VA per
     * granule); the PASID cache with a PASID (CMD_CFGI_CD) or without (CMD_CFGI_CD_ALL); the VMID is always
     * the VM's. A TLB invalidation without the ASID it needs is EINVAL.
     */
    @Override
    public void cacheInvalidate(PagingDomain parent, int sid, byte[] bytes) throws ErrnoException {
        Paging p = nestParent(parent);
        CacheInvalidateInfo i = CacheInvalidateInfo.decode(bytes);
        List<Command> commands = new ArrayList<>();
        if ((i.cache() & CacheInvalidateInfo.TYPE_IOTLB) != 0) {
            switch (i.granularity()) {
                case CacheInvalidateInfo.GRANU_DOMAIN -> commands.add(Command.of(Opcode.TLBI_NH_ALL).withVmid(p.vmid));
                case CacheInvalidateInfo.GRANU_PASID -> {
                    requireArchid(i);
                    commands.add(Command.of(Opcode.TLBI_NH_ASID).withVmid(p.vmid).withAsid(i.archid()));
                }
                default -> {
                    requireArchid(i);
                    if (i.granuleSize() == 0 || Long.bitCount(i.granuleSize()) != 1 || i.nbGranules() == 0
                            || i.nbGranules() > 1 << 16) {
                        throw Errno.EINVAL.failure("granule_size / nb_granules");
                    }
                    for (long g = 0; g < i.nbGranules(); g++) {
                        commands.add(Command.of(Opcode.TLBI_NH_VA).withVmid(p.vmid).withAsid(i.archid())
                                .withAddress(i.addr() + g * i.granuleSize()).withLeaf(i.leaf()));
                    }
                }
            }
        }
        if ((i.cache() & CacheInvalidateInfo.TYPE_PASID) != 0) {
            commands.add(i.hasPasid() ? Command.of(Opcode.CFGI_CD).withStreamId(sid).withSubstreamId((int) i.pasid())
                    .withLeaf(true) : Command.of(Opcode.CFGI_CD_ALL).withStreamId(sid));
        }
        // IOMMU_CACHE_INV_TYPE_DEV_IOTLB: the modelled devices have no ATC.
        submit(commands);
    }

    private static void requireArchid(CacheInvalidateInfo i) throws ErrnoException {
        if (!i.hasArchid()) {
            throw Errno.EINVAL.failure("a stage-1 TLB invalidation needs the ASID (ARCHID)");
        }
    }

    void submit(List<Command> commands) {
        if (!commands.isEmpty()) {
            driver.submit(commands.toArray(Command[]::new));
            driver.sync();
        }
    }

    // ---- domains ----

    /** A stage-2 table with its VMID (or, without stage 2, a stage-1 table in a one-CD table). */
    final class Paging implements PagingDomain {
        final IoPageTable table;
        final int vmid;
        final int asid;
        final CdTable cds;
        final boolean nestParent;

        Paging(IoPageTable table, int vmid, int asid, CdTable cds, boolean nestParent) {
            this.table = table;
            this.vmid = vmid;
            this.asid = asid;
            this.cds = cds;
            this.nestParent = nestParent;
        }

        @Override
        public boolean nestParent() {
            return nestParent;
        }

        @Override
        public void map(long iova, long pa, long size, int prot) throws ErrnoException {
            int p = ((prot & PROT_READ) != 0 ? Prot.READ : 0) | ((prot & PROT_WRITE) != 0 ? Prot.WRITE : 0);
            PageSizes.mapRange(pageSizes(), iova, pa, size, (i, a, page) -> switch (table.map(i, a, page, p)) {
                case 0 -> PageSizes.LeafStatus.MAPPED;
                case IoPageTable.TABLE_IN_THE_WAY -> PageSizes.LeafStatus.TABLE_IN_THE_WAY;
                case IoPageTable.EEXIST -> PageSizes.LeafStatus.ALREADY_MAPPED;
                default -> throw Errno.EINVAL.failure("map: outside the table's address size or not granule aligned");
            }, this::unmap);
        }

        @Override
        public long unmap(long iova, long size) {
            long removed = 0;
            long sizes = pageSizes();
            for (long a = iova; a - iova < size; ) {
                long r = 0;
                for (long page = Long.highestOneBit(sizes); page >= granule.pageSize() && r == 0; page >>>= 1) {
                    if ((sizes & page) != 0 && a % page == 0 && size - (a - iova) >= page) {
                        r = table.unmap(a, page);
                    }
                }
                removed += r;
                a += r > 0 ? r : granule.pageSize();
            }
            if (cds != null) {
                driver.invalidateAsid(0, asid);
            } else {
                // Stage-2 and the combined nested entries built on it, for the whole VMID.
                driver.invalidateVmid(vmid);
            }
            return removed;
        }
    }

    /** A guest STE (its stage-1 words) over a nest parent; installed on each device attached to it. */
    final class Nested implements NestedDomain {
        final Paging parent;
        final SmmuV3Viommu viommu;
        final long dw0;
        final long dw1;

        Nested(Paging parent, SmmuV3Viommu viommu, long dw0, long dw1) {
            this.parent = parent;
            this.viommu = viommu;
            this.dw0 = dw0;
            this.dw1 = dw1;
        }

        /** A stage-1 vSTE needs the device's vDEVICE (its virtual StreamID): ENOENT without one. */
        void install(int sid) throws ErrnoException {
            StreamTableEntry vste = StreamTableEntry.of(new long[] {dw0, dw1, 0, 0});
            boolean valid = vste.valid();
            int config = vste.config();
            if (valid && config == StreamTableEntry.CONFIG_S1 && !viommu.hasDevice(sid)) {
                throw Errno.ENOENT.failure("the device has no vDEVICE on the vIOMMU");
            }
            if (!valid || config == StreamTableEntry.CONFIG_ABORT) {
                driver.attachAbort(sid);
            } else if (config == StreamTableEntry.CONFIG_BYPASS) {
                driver.attachStage2(sid, parent.vmid, parent.table);
            } else {
                driver.attachNestedWords(sid, parent.vmid, parent.table, dw0, dw1);
            }
        }

        @Override
        public org.iommusim.core.host.InvalidationResult invalidateUser(int dataType, byte[] entries, int entryLen,
                                                                         int entryNum) {
            return new org.iommusim.core.host.InvalidationResult(0, Errno.EOPNOTSUPP);
        }
    }
}
