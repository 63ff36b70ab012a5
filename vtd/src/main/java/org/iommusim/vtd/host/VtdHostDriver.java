package org.iommusim.vtd.host;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.iommusim.core.host.Domain;
import org.iommusim.core.host.HostIommuDriver;
import org.iommusim.core.host.HwInfo;
import org.iommusim.core.host.InvalidationResult;
import org.iommusim.core.host.NestedDomain;
import org.iommusim.core.host.NestingCapabilities;
import org.iommusim.core.host.PageSizes;
import org.iommusim.core.host.PagingDomain;
import org.iommusim.core.host.Viommu;
import org.iommusim.core.host.type1.CacheInvalidateInfo;
import org.iommusim.core.host.type1.GpasidBindData;
import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.uapi.Errno;
import org.iommusim.core.uapi.ErrnoException;
import org.iommusim.vtd.driver.FirstStageTable;
import org.iommusim.vtd.driver.IoPageTable;
import org.iommusim.vtd.driver.PasidSetup;
import org.iommusim.vtd.driver.VtdDriver;
import org.iommusim.vtd.pasid.Pgtt;
import org.iommusim.vtd.registers.Cap;
import org.iommusim.vtd.registers.Ecap;
import org.iommusim.vtd.secondstage.SecondStageFormat;
import org.iommusim.core.bits.Bits;

/**
 * The VT-d side of the front end (the role of Linux's intel-iommu {@code iommu_ops}): paging domains are
 * second-stage tables; in scalable mode a device is attached through the PASID entry of PASID 0
 * (RID_PASID) or of a PASID, in legacy mode through its context entry. A nested domain is a guest's
 * first-stage table (an iommu_hwpt_vtd_s1, or a 2020 bind) in a PASID entry with PGTT=nested over its
 * parent's second stage (VT-d spec 9.6, 3.8). Guest invalidations become PASID-based IOTLB invalidations
 * followed by a wait descriptor (6.5.2.4, 6.5.2.8). Everything goes through {@link VtdDriver}: registers
 * and memory only.
 */
public final class VtdHostDriver implements HostIommuDriver {
    private static final long PAGE = 4096;

    private final VtdDriver driver;
    private final Cap cap;
    private final Ecap ecap;
    private final boolean scalable;
    private final int levels;
    private final NestingCapabilities nesting;
    private final Map<Long, Attachment> attached = new HashMap<>();
    private int nextDid = 1;

    /** What a (sid, pasid) is attached to, and the DID its entries are tagged with. */
    private record Attachment(Domain domain, int did) {
    }

    public VtdHostDriver(Iommu iommu, long regionStart, long regionEnd) {
        this.driver = new VtdDriver(iommu, regionStart, regionEnd);
        this.cap = driver.cap();
        this.ecap = driver.ecap();
        boolean sm = VtdCapabilities.scalable(ecap) && driver.init(true);
        if (!sm) {
            driver.init(false);
        }
        this.scalable = sm;
        this.levels = cap.supportsAgaw(2) ? 4 : cap.supportsAgaw(1) ? 3 : 5;
        this.nesting = VtdCapabilities.of(cap, ecap);
    }

    @Override
    public String kind() {
        return "vtd";
    }

    @Override
    public NestingCapabilities nesting() {
        return nesting;
    }

    /** A nest parent needs nesting hardware, not PASIDs: a nested domain can sit in the RID_PASID entry. */
    @Override
    public boolean iommufdNesting() {
        return VtdCapabilities.nesting(ecap);
    }

    @Override
    public HwInfo hwInfo() {
        return VtdCapabilities.hwInfo(cap, ecap);
    }

    @Override
    public int iovaBits() {
        return Math.min(30 + 9 * (levels - 2), cap.mgaw());
    }

    @Override
    public long pageSizes() {
        return PAGE | (cap.secondStage2MPages() ? 1L << 21 : 0) | (cap.secondStage1GPages() ? 1L << 30 : 0);
    }

    private int allocateDid() throws ErrnoException {
        if (nextDid >= 1 << cap.domainIdBits()) {
            throw Errno.ENOSPC.failure("no free domain-id");
        }
        return nextDid++;
    }

    @Override
    public PagingDomain allocPaging(boolean nestParent) throws ErrnoException {
        return allocPaging(nestParent, false);
    }

    /** Dirty tracking needs scalable mode and ECAP.SSADS (second-stage A/D, section 3.7.4). */
    @Override
    public PagingDomain allocPaging(boolean nestParent, boolean dirtyTracking) throws ErrnoException {
        if (nestParent && !VtdCapabilities.nesting(ecap)) {
            throw Errno.EOPNOTSUPP.failure("the unit cannot nest (ECAP.NEST/SMTS/FSTS/SSTS)");
        }
        if (dirtyTracking && !(scalable && ecap.has(Ecap.SSADS))) {
            throw Errno.EOPNOTSUPP.failure("no second-stage dirty bits (ECAP.SSADS) in scalable mode");
        }
        return new SecondStage(allocateDid(), driver.newSecondStageTable(levels), nestParent, dirtyTracking);
    }

    // ---- attach ----

    private static long key(int sid, int pasid) {
        return ((long) sid << 32) | (pasid & 0xFFFF_FFFFL);
    }

    @Override
    public void attach(int sid, Domain domain) throws ErrnoException {
        if (!scalable) {
            if (!(domain instanceof SecondStage ss)) {
                throw Errno.EOPNOTSUPP.failure("legacy mode has no nested translation");
            }
            detach(sid, TranslationRequest.NO_PASID);
            driver.attachLegacy(sid, ss.did, ss.table, false);
            attached.put(key(sid, TranslationRequest.NO_PASID), new Attachment(ss, ss.did));
            return;
        }
        install(sid, 0, domain, TranslationRequest.NO_PASID);
    }

    @Override
    public void attachPasid(int sid, int pasid, Domain domain) throws ErrnoException {
        if (!scalable || !ecap.has(Ecap.PASID)) {
            throw Errno.EOPNOTSUPP.failure("the unit has no PASID support");
        }
        if (pasid <= 0 || pasid >= 1 << ecap.pasidBits()) {
            throw Errno.EINVAL.failure("PASID " + pasid + " out of range");
        }
        install(sid, pasid, domain, pasid);
    }

    /** Writes the PASID entry of (sid, entryPasid) for {@code domain}; keyed by the request's PASID. */
    private void install(int sid, int entryPasid, Domain domain, int requestPasid) throws ErrnoException {
        PasidSetup setup;
        int did;
        if (domain instanceof SecondStage ss) {
            setup = new PasidSetup(Pgtt.SECOND_STAGE, ss.did, null, ss.table, false, false, false, ss.dirtyOn);
            did = ss.did;
        } else if (domain instanceof NestedStageOne n) {
            setup = nested(n.did, StageOneData.check(n.s1, cap, ecap), n.parent);
            did = n.did;
        } else {
            throw Errno.EINVAL.failure("not a VT-d domain");
        }
        detach(sid, requestPasid);
        if (domain instanceof NestedStageOne n) {
            n.users.add(key(sid, entryPasid));
        }
        driver.setPasidEntry(sid, entryPasid, setup);
        attached.put(key(sid, requestPasid), new Attachment(domain, did));
    }

    private static PasidSetup nested(int did, StageOneData s1, SecondStage parent) {
        return new PasidSetup(Pgtt.NESTED, did, FirstStageTable.at(s1.pgtblAddr(), s1.levels()), parent.table,
                s1.sre(), false, s1.wpe(), parent.dirtyOn, s1.eafe());
    }

    @Override
    public void detach(int sid, int pasid) {
        Attachment a = attached.remove(key(sid, pasid));
        if (a == null) {
            return;
        }
        int entryPasid = pasid == TranslationRequest.NO_PASID ? 0 : pasid;
        if (a.domain instanceof NestedStageOne n) {
            n.users.remove(key(sid, entryPasid));
        }
        if (scalable) {
            driver.clearPasidEntry(sid, entryPasid, a.did);
        } else {
            driver.clearLegacy(sid, a.did);
        }
    }

    @Override
    public void free(Domain domain) {
        // Domain-ids are not reused (the simulations are short); the tables stay where they were.
    }

    @Override
    public int handleFaults() {
        return driver.clearFaultRecords();
    }

    // ---- iommufd nesting ----

    @Override
    public NestedDomain allocNested(PagingDomain parent, int dataType, byte[] data) throws ErrnoException {
        if (dataType != VtdUapi.HWPT_DATA_VTD_S1) {
            throw Errno.EOPNOTSUPP.failure("data_type " + dataType + " is not IOMMU_HWPT_DATA_VTD_S1");
        }
        if (!(parent instanceof SecondStage ss) || !ss.nestParent) {
            throw Errno.EINVAL.failure("the parent is not a nest-parent VT-d domain");
        }
        NestedStageOne n = new NestedStageOne(allocateDid(), ss, StageOneData.fromHwpt(data));
        ss.children.add(n);
        return n;
    }

    @Override
    public Viommu allocViommu(PagingDomain parent, int type) throws ErrnoException {
        throw Errno.EOPNOTSUPP.failure("intel-iommu has no vIOMMU type");
    }

    // ---- the 2020 type1 nesting calls ----

    private SecondStage nestParent(PagingDomain parent) throws ErrnoException {
        if (!(parent instanceof SecondStage ss) || !nesting.bindGuestPgtbl()) {
            throw Errno.EINVAL.failure("the container's domain cannot nest");
        }
        return ss;
    }

    @Override
    public void bindGuestPgtbl(PagingDomain parent, int sid, byte[] bindData) throws ErrnoException {
        SecondStage ss = nestParent(parent);
        GpasidBindData b = GpasidBindData.decode(bindData);
        if (b.format() != GpasidBindData.FORMAT_INTEL_VTD) {
            throw Errno.EINVAL.failure("format " + b.format() + " is not IOMMU_PASID_FORMAT_INTEL_VTD");
        }
        if ((b.vendorFlags() & ~GpasidBindData.VTD_FLAGS) != 0) {
            throw Errno.EINVAL.failure("unknown iommu_gpasid_bind_data_vtd flags");
        }
        if ((b.vendorFlags() & (GpasidBindData.VTD_PCD | GpasidBindData.VTD_PWT | GpasidBindData.VTD_EMTE
                | GpasidBindData.VTD_CD)) != 0 || Long.compareUnsigned(b.gpgd(), 1L << iovaBits()) >= 0) {
            throw Errno.EINVAL.failure("memory-type flags (not supported), or gpgd beyond the second stage");
        }
        int pasid = checkedPasid(b.hpasid());
        if (attached.containsKey(key(sid, pasid))) {
            throw Errno.EBUSY.failure("PASID " + pasid + " of device " + sid + " is already bound");
        }
        StageOneData s1 = StageOneData.check(new StageOneData(b.gpgd(), b.addrWidth(),
                (b.vendorFlags() & GpasidBindData.VTD_SRE) != 0, (b.vendorFlags() & GpasidBindData.VTD_EAFE) != 0,
                (b.vendorFlags() & GpasidBindData.VTD_WPE) != 0), cap, ecap);
        driver.setPasidEntry(sid, pasid, nested(ss.did, s1, ss));
        attached.put(key(sid, pasid), new Attachment(ss, ss.did));
    }

    private int checkedPasid(long hpasid) throws ErrnoException {
        if (hpasid <= 0 || hpasid >= 1L << nesting.pasidBits()) {
            throw Errno.EINVAL.failure("hpasid " + hpasid + " out of range");
        }
        return (int) hpasid;
    }

    @Override
    public void unbindGuestPgtbl(PagingDomain parent, int sid, byte[] bindData) throws ErrnoException {
        nestParent(parent);
        int pasid = checkedPasid(GpasidBindData.decode(bindData).hpasid());
        if (!attached.containsKey(key(sid, pasid))) {
            throw Errno.EINVAL.failure("PASID " + pasid + " of device " + sid + " is not bound");
        }
        detach(sid, pasid);
    }

    @Override
    public void setPasidTable(PagingDomain parent, int sid, byte[] config) throws ErrnoException {
        throw Errno.EOPNOTSUPP.failure("VT-d binds page tables per PASID, not a whole PASID table");
    }

    @Override
    public void unsetPasidTable(PagingDomain parent, int sid) throws ErrnoException {
        throw Errno.EOPNOTSUPP.failure("VT-d binds page tables per PASID, not a whole PASID table");
    }

    @Override
    public void cacheInvalidate(PagingDomain parent, int sid, byte[] bytes) throws ErrnoException {
        SecondStage ss = nestParent(parent);
        PasidInvalidation.apply(driver, cap, ss.did, nesting.pasidBits(), CacheInvalidateInfo.decode(bytes));
    }

    // ---- domains ----

    /** A second-stage table with its domain-id; a nest parent records the nested domains over it. */
    private final class SecondStage implements PagingDomain {
        final int did;
        final IoPageTable table;
        final boolean nestParent;
        final boolean dirtyTracking;
        boolean dirtyOn;
        final List<NestedStageOne> children = new ArrayList<>();

        SecondStage(int did, IoPageTable table, boolean nestParent, boolean dirtyTracking) {
            this.did = did;
            this.table = table;
            this.nestParent = nestParent;
            this.dirtyTracking = dirtyTracking;
        }

        /** SSADE in every PASID entry that uses this second stage (directly or under a nested domain). */
        @Override
        public void setDirtyTracking(boolean on) throws ErrnoException {
            if (!dirtyTracking) {
                throw Errno.EOPNOTSUPP.failure("the domain was not allocated with dirty tracking");
            }
            dirtyOn = on;
            for (Map.Entry<Long, Attachment> e : new ArrayList<>(attached.entrySet())) {
                Domain d = e.getValue().domain;
                if (d == this || d instanceof NestedStageOne n && n.parent == this) {
                    int sid = (int) (e.getKey() >>> 32);
                    int pasid = (int) (long) e.getKey();
                    install(sid, pasid == TranslationRequest.NO_PASID ? 0 : pasid, d, pasid);
                }
            }
        }

        /** The second-stage leaves' D bits (section 9.8), cleared with a domain-selective IOTLB flush. */
        @Override
        public void readAndClearDirty(long iova, long length, long pageSize, boolean keep, java.util.BitSet bitmap)
                throws ErrnoException {
            if (!dirtyTracking) {
                throw Errno.EOPNOTSUPP.failure("the domain was not allocated with dirty tracking");
            }
            boolean cleared = false;
            for (long a = iova; a - iova < length; ) {
                IoPageTable.Leaf leaf = table.leaf(a);
                if (leaf == null) {
                    throw Errno.EINVAL.failure("0x" + Long.toHexString(a) + " is not mapped");
                }
                long leafEnd = (a & -leaf.size()) + leaf.size();
                long e = driver.memory().read64(leaf.entryAddress());
                if (Bits.bit(e, SecondStageFormat.D)) {
                    for (long p = a; p < leafEnd && p - iova < length; p += pageSize) {
                        bitmap.set((int) ((p - iova) / pageSize));
                    }
                    if (!keep) {
                        driver.memory().write64(leaf.entryAddress(), Bits.withBit(e, SecondStageFormat.D, false));
                        cleared = true;
                    }
                }
                a = leafEnd;
            }
            if (cleared) {
                flushAll();
            }
        }

        private void flushAll() {
            driver.flushIotlbDomain(did);
            for (NestedStageOne n : children) {
                driver.flushIotlbDomain(n.did);
            }
        }

        @Override
        public boolean nestParent() {
            return nestParent;
        }

        @Override
        public void map(long iova, long pa, long size, int prot) throws ErrnoException {
            if (((iova | pa | size) & (PAGE - 1)) != 0 || size == 0) {
                throw Errno.EINVAL.failure("map: not 4 KiB aligned");
            }
            int perms = PagingDomain.permissions(prot);
            PageSizes.mapRange(pageSizes(), iova, pa, size, (i, p, page) -> table.tryMap(i, p, page, perms, false),
                    this::unmap);
        }

        @Override
        public long unmap(long iova, long size) {
            long removed = 0;
            for (long a = iova; a - iova < size; ) {
                long r = table.unmap(a);
                removed += r;
                a += r == 0 ? PAGE : r;
            }
            flushAll();
            return removed;
        }
    }

    /** A guest first stage over a nest parent; {@link #users} are the PASID entries that hold it. */
    private final class NestedStageOne implements NestedDomain {
        final int did;
        final SecondStage parent;
        final StageOneData s1;
        final Set<Long> users = new LinkedHashSet<>();

        NestedStageOne(int did, SecondStage parent, StageOneData s1) {
            this.did = did;
            this.parent = parent;
            this.s1 = s1;
        }

        /**
         * intel_nested_cache_invalidate_user: entries of {@code iommu_hwpt_vtd_s1_invalidate}; an address
         * not 4 KiB aligned, or a non-zero address with npages = U64_MAX, is EINVAL; unknown flags or
         * reserved bits EOPNOTSUPP. Each entry becomes one PASID-based IOTLB invalidation per PASID entry
         * using this domain (page-selective when a mask covers it, PASID-selective otherwise).
         */
        @Override
        public InvalidationResult invalidateUser(int dataType, byte[] entries, int entryLen, int entryNum) {
            if (dataType != VtdUapi.HWPT_INVALIDATE_DATA_VTD_S1) {
                return new InvalidationResult(0, Errno.EINVAL);
            }
            for (int i = 0; i < entryNum; i++) {
                try {
                    VtdUapi.Invalidation inv = VtdUapi.invalidation(entries, i, entryLen);
                    for (long user : users) {
                        flush((int) user, inv);
                    }
                } catch (ErrnoException e) {
                    return new InvalidationResult(i, e.errno());
                }
            }
            return InvalidationResult.ok(entryNum);
        }

        private void flush(int pasid, VtdUapi.Invalidation inv) {
            if (inv.npages() == -1L || inv.npages() == 0) {
                if (inv.npages() == -1L) {
                    driver.flushPasidIotlb(did, pasid);
                }
                return;
            }
            long first = inv.addr() / PAGE;
            long last = first + inv.npages() - 1;
            int am = 64 - Long.numberOfLeadingZeros(first ^ last);
            if (am > cap.maxAddressMaskValue() || last < first) {
                driver.flushPasidIotlb(did, pasid);
            } else {
                driver.flushPasidIotlbPages(did, pasid, (first >>> am << am) * PAGE, am);
            }
        }
    }
}
