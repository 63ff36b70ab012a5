package org.iommusim.bench.vtd;

import org.iommusim.bench.Workload;
import org.iommusim.core.cache.CacheConfig;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Permissions;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.vtd.VtdConfig;
import org.iommusim.vtd.VtdIommu;
import org.iommusim.vtd.cache.VtdCaches.CacheSizes;
import org.iommusim.vtd.driver.IoPageTable;
import org.iommusim.vtd.driver.PasidSetup;
import org.iommusim.vtd.driver.VtdDriver;
import org.iommusim.vtd.preset.Presets;

/**
 * A VT-d unit (preset "default", scalable mode) set up by {@link VtdDriver} through registers and memory
 * only, with {@code pages} contiguous pages mapped from {@link Workload#IOVA_BASE} for one device and
 * {@code pasids} PASIDs, each PASID's entry pointing at the same tables in domain 1.
 *
 * <p>One stage is a first-stage table (PGTT=001); nested is a guest first-stage table over a host
 * second-stage table (PGTT=011) of the same number of levels, the second stage mapping guest RAM with
 * 4 KiB pages so that every second-stage walk is a full one.
 */
public final class VtdMachine {
    public enum Shape { FIRST_STAGE_4, NESTED_4_OVER_4, NESTED_5_OVER_5 }

    public static final int SID = 0x0010;
    public static final int DID = 1;
    static final long DRIVER_REGION = 0x100_0000L;
    static final long DRIVER_REGION_END = 0x4000_0000L;
    /** Host physical address of guest-physical 0. */
    static final long GUEST_RAM = 0x1_0000_0000L;
    /** Guest-physical frames for the guest's own first-stage tables. */
    static final long GUEST_TABLES = 0x10_0000L;
    static final long GUEST_TABLES_END = 0x400_0000L;
    /** Guest-physical address the first mapped page maps to (nested). */
    static final long OUTPUT_BASE = 0x400_0000L;
    /** Host-physical address the first mapped page maps to (one stage): clear of the interrupt range. */
    static final long HOST_OUTPUT_BASE = 0x10_0000_0000L;

    /** The translation caches off, the context and PASID caches on: every translation walks cold. */
    public static CacheSizes coldCaches() {
        CacheSizes d = CacheSizes.defaults();
        return new CacheSizes(CacheConfig.disabled(), d.context(), d.pasid(), CacheConfig.disabled(),
                CacheConfig.disabled());
    }

    /** IOTLB off, paging-structure caches on (first stage when {@code firstStagePsc}, second stage always). */
    public static CacheSizes pscOnly(boolean firstStagePsc) {
        CacheSizes d = CacheSizes.defaults();
        return new CacheSizes(CacheConfig.disabled(), d.context(), d.pasid(),
                firstStagePsc ? d.firstStagePsc() : CacheConfig.disabled(), d.secondStagePsc());
    }

    public final VtdIommu iommu;
    public final VtdDriver driver;
    public final Shape shape;
    public final int pages;
    public final long pageSize;
    /** The PASIDs configured: 1 .. pasids. */
    public final int pasids;

    public VtdMachine(Shape shape, CacheSizes caches, int pages, long pageSize, int pasids) {
        this.shape = shape;
        this.pages = pages;
        this.pageSize = pageSize;
        this.pasids = pasids;
        VtdConfig config = Presets.DEFAULT.withCaches(caches);
        iommu = new VtdIommu(new PhysicalMemory(), config);
        driver = new VtdDriver(iommu, DRIVER_REGION, DRIVER_REGION_END);
        if (!driver.init(true)) {
            throw new IllegalStateException("the unit refused scalable mode");
        }
        PasidSetup setup;
        if (shape == Shape.FIRST_STAGE_4) {
            IoPageTable fs = driver.newFirstStageTable(4);
            for (int i = 0; i < pages; i++) {
                fs.map(Workload.IOVA_BASE + i * pageSize, HOST_OUTPUT_BASE + i * pageSize, pageSize,
                        Permissions.READ | Permissions.WRITE, true);
            }
            setup = PasidSetup.firstStage(DID, fs);
        } else {
            int levels = shape == Shape.NESTED_4_OVER_4 ? 4 : 5;
            IoPageTable ss = driver.newSecondStageTable(levels);
            long guestRamEnd = OUTPUT_BASE + pages * pageSize;
            for (long gpa = 0; gpa < guestRamEnd; gpa += 4096) {
                ss.map(gpa, GUEST_RAM + gpa, 4096, Permissions.READ | Permissions.WRITE, false);
            }
            long[] next = {GUEST_TABLES};
            IoPageTable fs = driver.newGuestFirstStageTable(levels, () -> {
                long f = next[0];
                if (f >= GUEST_TABLES_END) {
                    throw new IllegalStateException("guest table region exhausted");
                }
                next[0] += 4096;
                return f;
            }, gpa -> gpa + GUEST_RAM);
            for (int i = 0; i < pages; i++) {
                fs.map(Workload.IOVA_BASE + i * pageSize, OUTPUT_BASE + i * pageSize, pageSize,
                        Permissions.READ | Permissions.WRITE, true);
            }
            setup = PasidSetup.nested(DID, fs, ss);
        }
        for (int p = 1; p <= pasids; p++) {
            driver.setPasidEntry(SID, p, setup);
        }
    }

    /**
     * Requests for the given page indices, spread round-robin over {@code activePasids} PASIDs chosen
     * evenly among those configured.
     */
    public TranslationRequest[] requests(int[] pageIndices, int activePasids, Access access) {
        int active = Math.min(activePasids, pasids);
        TranslationRequest[] out = new TranslationRequest[pageIndices.length];
        for (int i = 0; i < out.length; i++) {
            int pasid = 1 + (int) ((long) (i % active) * pasids / active);
            long iova = Workload.IOVA_BASE + pageIndices[i] * pageSize + ((i * 64L) & 0xFC0);
            out[i] = TranslationRequest.withPasid(SID, pasid, iova, access);
        }
        return out;
    }

    /** Page-walk references a cold translation makes in this shape. */
    public int coldWalkReferences() {
        return switch (shape) {
            case FIRST_STAGE_4 -> 4;
            case NESTED_4_OVER_4 -> 24;
            case NESTED_5_OVER_5 -> 35;
        };
    }
}
