package org.iommusim.smmu.v2.host;

import java.util.HashMap;
import java.util.LinkedHashMap;
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
import org.iommusim.core.host.type1.GpasidBindData;
import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.uapi.Errno;
import org.iommusim.core.uapi.ErrnoException;
import org.iommusim.smmu.v2.driver.Allocator;
import org.iommusim.smmu.v2.driver.SmmuV2Driver;
import org.iommusim.smmu.v2.registers.GlobalRegisters;
import org.iommusim.smmu.v2.registers.Idr0;
import org.iommusim.smmu.v2.registers.Idr1;
import org.iommusim.smmu.v2.registers.Idr2;
import org.iommusim.smmu.vmsa.Granule;

/**
 * The SMMUv2 side of the front end (the role of Linux's arm-smmu {@code iommu_ops}, plus the nesting it
 * never had): a paging domain is a stage-2 context bank (stage 1 where the SMMU has no stage 2); a bound
 * guest page table is a nested stage-1 bank (CBAR type 3, IHI 0062 2.1, 16.4) whose TTBR0 is the guest's
 * IPA, and the device's S2CR is pointed at it. Guest invalidations become TLBIVA / TLBIASID on that bank
 * and a TLBSYNC. There are no PASIDs, and Linux's arm-smmu has no iommufd hw_info or nesting: through
 * iommufd an SMMUv2 offers paging domains only.
 */
public final class SmmuV2HostDriver implements HostIommuDriver {
    private static final Granule GRANULE = Granule.GRANULE_4K;
    private static final long PAGE = 4096;
    /** IDR0.BTM: broadcast TLB maintenance (IHI 0062 10.6.1). */
    private static final int IDR0_BTM = 13;
    private static final long BLOCK = 1L << 21;

    private final SmmuV2Driver driver;
    private final Idr0 idr0;
    private final Idr2 idr2;
    private final int bits;
    private final NestingCapabilities nesting;
    /** sid -> (stream mapping group, what it is attached to) */
    private final Map<Integer, Attached> attached = new HashMap<>();

    private record Attached(int group, Domain domain, SmmuV2Driver.Domain bank) {
    }

    public SmmuV2HostDriver(Iommu smmu, long regionStart, long regionEnd) {
        this.driver = new SmmuV2Driver(smmu, new Allocator(regionStart, regionEnd - regionStart));
        driver.reset();
        this.idr0 = driver.idr0();
        this.idr2 = driver.idr2();
        // A 39-bit space (3 levels from level 1 with 4 KiB pages) whatever the SMMU's sizes allow above it.
        int inputBits = idr0.s2ts() ? idr2.iasBits() : Math.min(idr2.ubsBits(), 48);
        this.bits = Math.min(inputBits, 39);
        this.nesting = capabilities(idr0, new Idr1((int) smmu.mmioRead(GlobalRegisters.IDR1, 4)), idr2);
    }

    static boolean nestingSupported(Idr0 idr0) {
        return idr0.nts() && idr0.s1ts() && idr0.s2ts();
    }

    static NestingCapabilities capabilities(Idr0 idr0, Idr1 idr1, Idr2 idr2) {
        boolean nest = nestingSupported(idr0);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("name", "arm-vmsav8-64-stage1");
        List<String> granules = new java.util.ArrayList<>();
        for (int shift : new int[] {12, 14, 16}) {
            if (idr2.granuleSupported(shift)) {
                granules.add((1 << (shift - 10)) + "K");
            }
        }
        f.put("granules", granules);
        f.put("ias", idr2.iasBits());
        f.put("oas", idr2.oasBits());
        f.put("asidBits", 8);
        f.put("ssidBits", 0);
        f.put("httu", "none");
        f.put("cdTableFormats", List.of());
        f.put("tableFormats", granules.isEmpty() ? List.of("aarch32") : List.of("aarch64"));
        f.put("endianness", "little");
        f.put("btm", (idr0.value() >>> IDR0_BTM & 1) != 0);
        Map<String, Long> vendor = new LinkedHashMap<>();
        vendor.put("smmuv2.idr[0]", Integer.toUnsignedLong(idr0.value()));
        vendor.put("smmuv2.idr[1]", Integer.toUnsignedLong(idr1.value()));
        vendor.put("smmuv2.idr[2]", Integer.toUnsignedLong(idr2.value()));
        return new NestingCapabilities(false, nest, false, nest, nest ? GpasidBindData.FORMAT_ARM_SMMUV2 : 0,
                Math.min(idr2.iasBits(), 48), 0, vendor, f);
    }

    @Override
    public String kind() {
        return "smmuv2";
    }

    @Override
    public NestingCapabilities nesting() {
        return nesting;
    }

    /** Linux's arm-smmu has no hw_info: IOMMU_HW_INFO_TYPE_NONE, no data. */
    @Override
    public HwInfo hwInfo() {
        return new HwInfo(HwInfo.TYPE_NONE, new byte[0], 0, 0);
    }

    @Override
    public int iovaBits() {
        return bits;
    }

    @Override
    public long pageSizes() {
        return PAGE | BLOCK;
    }

    @Override
    public PagingDomain allocPaging(boolean nestParent) throws ErrnoException {
        if (nestParent && !nestingSupported(idr0)) {
            throw Errno.EOPNOTSUPP.failure("the SMMU cannot nest (IDR0.NTS/S1TS/S2TS)");
        }
        if (!driver.bankAvailable(!idr0.s2ts())) {
            throw Errno.ENOSPC.failure("no free context bank");
        }
        SmmuV2Driver.Domain d = idr0.s2ts() ? driver.allocateStage2(GRANULE, bits, 1)
                : driver.allocateStage1(GRANULE, bits);
        return new Bank(d, nestParent);
    }

    private void route(int sid, Domain domain, SmmuV2Driver.Domain bank) {
        Attached old = attached.remove(sid);
        if (old != null) {
            driver.detach(old.group);
        }
        attached.put(sid, new Attached(driver.attach(sid, 0, bank), domain, bank));
    }

    @Override
    public void attach(int sid, Domain domain) throws ErrnoException {
        if (!(domain instanceof Bank b)) {
            throw Errno.EINVAL.failure("not an SMMUv2 domain");
        }
        route(sid, b, b.domain);
    }

    @Override
    public void attachPasid(int sid, int pasid, Domain domain) throws ErrnoException {
        throw Errno.EOPNOTSUPP.failure("SMMUv2 has no PASIDs");
    }

    @Override
    public void detach(int sid, int pasid) {
        Attached a = attached.remove(sid);
        if (a != null) {
            driver.detach(a.group);
        }
    }

    @Override
    public void free(Domain domain) {
        if (domain instanceof Bank b) {
            driver.release(b.domain);
        }
    }

    @Override
    public int handleFaults() {
        return driver.clearAllFaults();
    }

    /** Linux's arm-smmu offers iommufd no nest parent. */
    @Override
    public boolean iommufdNesting() {
        return false;
    }

    @Override
    public NestedDomain allocNested(PagingDomain parent, int dataType, byte[] data) throws ErrnoException {
        throw Errno.EOPNOTSUPP.failure("arm-smmu has no iommufd nesting");
    }

    @Override
    public Viommu allocViommu(PagingDomain parent, int type) throws ErrnoException {
        throw Errno.EOPNOTSUPP.failure("arm-smmu has no vIOMMU");
    }

    private Bank nestParent(PagingDomain parent) throws ErrnoException {
        if (!(parent instanceof Bank b) || !b.nestParent) {
            throw Errno.EINVAL.failure("the container's domain cannot nest");
        }
        return b;
    }

    /**
     * BIND_PGTBL (iommusim's IOMMU_PASID_FORMAT_ARM_SMMUV2): a nested stage-1 bank with TTBR0 = gpgd (the
     * guest's table, an IPA, 4 KiB aligned), T0SZ = 64 - addr_width (25..48 bits; EINVAL otherwise); the
     * device's stream is routed to it. EBUSY when the device already has a bound table; ENOSPC without a
     * free bank. hpasid and gpasid must be 0 (no PASIDs).
     */
    @Override
    public void bindGuestPgtbl(PagingDomain parent, int sid, byte[] bytes) throws ErrnoException {
        Bank b = nestParent(parent);
        GpasidBindData d = GpasidBindData.decode(bytes);
        if (d.format() != GpasidBindData.FORMAT_ARM_SMMUV2 || d.addrWidth() < 25 || d.addrWidth() > 48
                || (d.gpgd() & (PAGE - 1)) != 0 || d.hpasid() != 0 || d.gpasid() != 0 || d.vendorFlags() != 0) {
            throw Errno.EINVAL.failure("bind data: format, addr_width, gpgd alignment or a PASID");
        }
        Attached a = attached.get(sid);
        if (a != null && a.bank != b.domain) {
            throw Errno.EBUSY.failure("the device already has a bound stage 1");
        }
        if (!driver.bankAvailable(true)) {
            throw Errno.ENOSPC.failure("no free stage-1 context bank");
        }
        SmmuV2Driver.Domain s1 = driver.attachNestedRoot(b.domain, GRANULE, d.addrWidth(), d.gpgd());
        route(sid, b, s1);
    }

    @Override
    public void unbindGuestPgtbl(PagingDomain parent, int sid, byte[] bytes) throws ErrnoException {
        Bank b = nestParent(parent);
        GpasidBindData.decode(bytes);
        Attached a = attached.get(sid);
        if (a == null || a.bank == b.domain) {
            throw Errno.EINVAL.failure("the device has no bound stage 1");
        }
        route(sid, b, b.domain);
        driver.release(a.bank);
    }

    @Override
    public void setPasidTable(PagingDomain parent, int sid, byte[] config) throws ErrnoException {
        throw Errno.EOPNOTSUPP.failure("SMMUv2 has no PASID tables");
    }

    @Override
    public void unsetPasidTable(PagingDomain parent, int sid) throws ErrnoException {
        setPasidTable(parent, sid, null);
    }

    /**
     * CACHE_INVALIDATE on the device's nested bank: IOTLB by DOMAIN or PASID (the whole context: TLBIASID)
     * or by ADDR (TLBIVA per granule); a PASID-cache invalidation is EINVAL (there are none); DEV_IOTLB is
     * a no-op (no ATS). EINVAL when the device has no bound stage 1.
     */
    @Override
    public void cacheInvalidate(PagingDomain parent, int sid, byte[] bytes) throws ErrnoException {
        Bank b = nestParent(parent);
        CacheInvalidateInfo i = CacheInvalidateInfo.decode(bytes);
        Attached a = attached.get(sid);
        if (a == null || a.bank == b.domain || (i.cache() & CacheInvalidateInfo.TYPE_PASID) != 0) {
            throw Errno.EINVAL.failure("no bound stage 1, or a PASID-cache invalidation");
        }
        if ((i.cache() & CacheInvalidateInfo.TYPE_IOTLB) == 0) {
            return;
        }
        if (i.granularity() != CacheInvalidateInfo.GRANU_ADDR) {
            driver.invalidateAll(a.bank);
            return;
        }
        if (i.granuleSize() < PAGE || Long.bitCount(i.granuleSize()) != 1 || i.nbGranules() == 0
                || i.nbGranules() > 1 << 16) {
            throw Errno.EINVAL.failure("granule_size / nb_granules");
        }
        for (long g = 0; g < i.nbGranules(); g++) {
            for (long p = 0; p < i.granuleSize(); p += PAGE) {
                driver.invalidate(a.bank, i.addr() + g * i.granuleSize() + p);
            }
        }
    }

    /** A context bank the front end maps into. */
    private final class Bank implements PagingDomain {
        final SmmuV2Driver.Domain domain;
        final boolean nestParent;

        Bank(SmmuV2Driver.Domain domain, boolean nestParent) {
            this.domain = domain;
            this.nestParent = nestParent;
        }

        @Override
        public boolean nestParent() {
            return nestParent;
        }

        @Override
        public void map(long iova, long pa, long size, int prot) throws ErrnoException {
            int perms = PagingDomain.permissions(prot);
            PageSizes.mapRange(pageSizes(), iova, pa, size, (i, p, page) -> driver.tryMap(domain, i, p, page, perms),
                    this::unmap);
        }

        @Override
        public long unmap(long iova, long size) {
            long removed = 0;
            for (long a = iova; a - iova < size; ) {
                long page = a % BLOCK == 0 && size - (a - iova) >= BLOCK && domain.table().unmap(a, BLOCK) ? BLOCK
                        : domain.table().unmap(a, PAGE) ? PAGE : 0;
                removed += page;
                a += page == 0 ? PAGE : page;
            }
            driver.invalidateVmid(domain);
            return removed;
        }
    }
}
