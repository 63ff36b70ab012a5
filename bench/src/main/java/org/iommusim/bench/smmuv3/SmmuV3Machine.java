package org.iommusim.bench.smmuv3;

import org.iommusim.bench.Workload;
import org.iommusim.core.cache.CacheConfig;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.smmu.v3.SmmuV3;
import org.iommusim.smmu.v3.cache.CacheSizes;
import org.iommusim.smmu.v3.driver.CdTable;
import org.iommusim.smmu.v3.driver.DriverMemory;
import org.iommusim.smmu.v3.driver.IoPageTable;
import org.iommusim.smmu.v3.driver.PageAllocator;
import org.iommusim.smmu.v3.driver.Prot;
import org.iommusim.smmu.v3.driver.SmmuV3Driver;
import org.iommusim.smmu.v3.preset.Presets;
import org.iommusim.smmu.v3.ste.StreamTableEntry;
import org.iommusim.smmu.vmsa.Granule;

/**
 * An SMMUv3 (preset "default") set up by {@link SmmuV3Driver} through registers and memory only, with
 * {@code pages} contiguous pages mapped from {@link Workload#IOVA_BASE} for StreamID 1. One stage is a
 * 4-level stage-1 table (4 KiB granule, 48-bit VA) behind CDs; nested is a guest's CD table and 4-level
 * stage-1 table, in guest RAM at IPAs, over a 4-level stage-2 table that maps guest RAM with 4 KiB pages
 * (so every stage-2 walk is a full one).
 *
 * <p>With one SubstreamID the stream has a single CD and requests carry none; with more, CD {@code s}
 * (ASID {@code s}) serves SubstreamID {@code s}, 1 .. ssids, in a 2-level CD table.
 */
public final class SmmuV3Machine {
    public enum Shape { STAGE1_4, NESTED_4_OVER_4 }

    public static final int SID = 1;
    public static final int VMID = 1;
    static final long TABLES = 0x1000_0000L;
    static final long TABLES_END = 0x8000_0000L;
    static final long HOST_OUTPUT_BASE = 0x10_0000_0000L;
    /** Guest RAM: IPA {@code GUEST_IPA} is host-physical {@code GUEST_PA}. */
    static final long GUEST_IPA = 0x8000_0000L;
    static final long GUEST_PA = 0x2_0000_0000L;
    static final long GUEST_TABLES_SIZE = 0x40_0000L;

    /** TLB, walk caches and IPA cache off; STE and CD caches on. */
    public static CacheSizes coldCaches() {
        CacheSizes d = CacheSizes.DEFAULT;
        return new CacheSizes(CacheConfig.disabled(), d.ste(), d.cd(), CacheConfig.disabled(), CacheConfig.disabled(),
                CacheConfig.disabled());
    }

    /** TLB off; the walk caches on ({@code walkCaches}) or the stage-2 IPA cache on (otherwise). */
    public static CacheSizes warmWalk(boolean walkCaches) {
        CacheSizes d = CacheSizes.DEFAULT;
        return new CacheSizes(CacheConfig.disabled(), d.ste(), d.cd(),
                walkCaches ? d.stage1Walk() : CacheConfig.disabled(),
                walkCaches ? d.stage2Walk() : CacheConfig.disabled(),
                walkCaches ? CacheConfig.disabled() : d.ipa());
    }

    public final SmmuV3 smmu;
    public final SmmuV3Driver driver;
    public final Shape shape;
    public final int pages;
    public final long pageSize;
    public final int ssids;

    public SmmuV3Machine(Shape shape, CacheSizes caches, int pages, long pageSize, int ssids) {
        this.shape = shape;
        this.pages = pages;
        this.pageSize = pageSize;
        this.ssids = ssids;
        PhysicalMemory memory = new PhysicalMemory(48);
        smmu = new SmmuV3(memory, Presets.DEFAULT, caches);
        PageAllocator host = new PageAllocator(DriverMemory.physical(memory), TABLES, TABLES_END);
        driver = new SmmuV3Driver(smmu, host, SmmuV3Driver.StreamTableFormat.LINEAR, 4);
        driver.init();
        if (shape == Shape.STAGE1_4) {
            IoPageTable s1 = new IoPageTable(host, 1, Granule.GRANULE_4K, 48, 48);
            map(s1, HOST_OUTPUT_BASE);
            driver.attachStage1(SID, cdTable(host, s1));
        } else {
            IoPageTable s2 = new IoPageTable(host, 2, Granule.GRANULE_4K, 48, 48);
            long guestRam = GUEST_TABLES_SIZE + pages * pageSize;
            for (long off = 0; off < guestRam; off += 4096) {
                require(s2.map(GUEST_IPA + off, GUEST_PA + off, 4096, Prot.READ | Prot.WRITE));
            }
            PageAllocator guest = new PageAllocator(DriverMemory.guest(memory, GUEST_IPA, GUEST_PA), GUEST_IPA,
                    GUEST_IPA + GUEST_TABLES_SIZE);
            IoPageTable s1 = new IoPageTable(guest, 1, Granule.GRANULE_4K, 48, 48);
            map(s1, GUEST_IPA + GUEST_TABLES_SIZE);
            CdTable cds = cdTable(guest, s1);
            driver.attachNested(SID, VMID, s2, cds.base(), cds.s1Fmt(), cds.cdMax());
        }
    }

    private void map(IoPageTable s1, long outputBase) {
        for (int i = 0; i < pages; i++) {
            require(s1.map(Workload.IOVA_BASE + i * pageSize, outputBase + i * pageSize, pageSize,
                    Prot.READ | Prot.WRITE));
        }
    }

    private CdTable cdTable(PageAllocator alloc, IoPageTable s1) {
        if (ssids == 1) {
            CdTable cds = new CdTable(alloc, StreamTableEntry.S1FMT_LINEAR, 0);
            cds.write(0, 1, s1, 0);
            return cds;
        }
        int cdMax = 32 - Integer.numberOfLeadingZeros(ssids); // SubstreamIDs 1 .. ssids fit
        CdTable cds = new CdTable(alloc, StreamTableEntry.S1FMT_2LVL_4K, cdMax);
        for (int s = 1; s <= ssids; s++) {
            cds.write(s, s & 0xFFFF, s1, 0);
        }
        return cds;
    }

    private static void require(int status) {
        if (status != 0) {
            throw new IllegalStateException("io-pgtable map failed: " + status);
        }
    }

    /** Requests for the page indices, round-robin over {@code activeSsids} SubstreamIDs spread over those configured. */
    public TranslationRequest[] requests(int[] pageIndices, int activeSsids, Access access) {
        int active = Math.min(activeSsids, ssids);
        TranslationRequest[] out = new TranslationRequest[pageIndices.length];
        for (int i = 0; i < out.length; i++) {
            int ssid = ssids == 1 ? TranslationRequest.NO_PASID : 1 + (int) ((long) (i % active) * ssids / active);
            long iova = Workload.IOVA_BASE + pageIndices[i] * pageSize + ((i * 64L) & 0xFC0);
            out[i] = new TranslationRequest(SID, ssid, iova, access, false);
        }
        return out;
    }

    /** The ASID of the CD serving {@code ssid}. */
    public static int asidOf(int ssid) {
        return ssid == TranslationRequest.NO_PASID ? 1 : ssid & 0xFFFF;
    }

    public int coldWalkReferences() {
        return shape == Shape.STAGE1_4 ? 4 : 24;
    }
}
