package org.iommusim.vtd;

import static org.iommusim.proptest.Props.gen;
import static org.iommusim.proptest.Props.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

import org.iommusim.core.iommu.MachineConfigException;
import org.iommusim.core.memory.AccessPurpose;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Fault;
import org.iommusim.core.request.Permissions;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.request.TranslationResult;
import org.iommusim.core.walk.WalkTrace;
import org.iommusim.vtd.driver.IoPageTable;
import org.iommusim.vtd.driver.PasidSetup;
import org.iommusim.vtd.driver.VtdDriver;
import org.iommusim.vtd.preset.Presets;

import org.junit.jupiter.api.Test;

/**
 * Translation through the model equals a reference computed from the mapping set that built the
 * tables, for random mappings of every page size, 3/4/5-level second stages and 4/5-level first
 * stages; and the memory references a nested walk makes equal the reference count.
 */
class TranslationProperties {
    static final long ONE_G = 1L << 30;
    static final long[] SIZES = {1L << 12, 1L << 21, 1L << 30};

    /** One mapping: 1 GiB region index, page-size class, page index inside the region, output frame. */
    record Mapping(int region, int sizeClass, int page, long outFrame, boolean writable) {
        long size() {
            return SIZES[sizeClass];
        }

        long iova() {
            return (long) region * ONE_G + (long) page * size();
        }

        long pa() {
            return 0x1_0000_0000L + outFrame * ONE_G + (long) page * size() % ONE_G;
        }
    }

    /** An index 0..max; its ends (first and last region, page or frame) are drawn deliberately one time in eight. */
    static int index(RandomGenerator r, int max) {
        return r.nextInt(0, 8) == 0 ? (r.nextBoolean() ? max : 0) : r.nextInt(0, max + 1);
    }

    /**
     * 1 to 12 mappings: region 0..511, size class 0..2, page 0..511 (0 for 1 GiB pages), output frame
     * 0..63, writable or not. One mapping per 1 GiB region, so no two overlap: a region already taken
     * moves on to the next free one.
     */
    static List<Mapping> mappings(RandomGenerator r) {
        int n = r.nextInt(1, 13);
        List<Mapping> ms = new ArrayList<>(n);
        boolean[] taken = new boolean[512];
        for (int i = 0; i < n; i++) {
            int region = index(r, 511);
            while (taken[region]) {
                region = (region + 1) % 512;
            }
            taken[region] = true;
            int sizeClass = r.nextInt(0, 3);
            int page = index(r, 511);
            long outFrame = index(r, 63);
            ms.add(new Mapping(region, sizeClass, sizeClass == 2 ? 0 : page, outFrame, r.nextBoolean()));
        }
        return ms;
    }

    static long reference(List<Mapping> ms, long iova) {
        for (Mapping m : ms) {
            if (Long.compareUnsigned(iova, m.iova()) >= 0 && Long.compareUnsigned(iova, m.iova() + m.size()) < 0) {
                return m.pa() + (iova - m.iova());
            }
        }
        return -1;
    }

    static List<Long> probes(List<Mapping> ms, long seed) {
        List<Long> p = new ArrayList<>();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        for (Mapping m : ms) {
            p.add(m.iova());
            p.add(m.iova() + m.size() - 1);
            p.add(m.iova() + rnd.nextLong(m.size()));
            p.add(m.iova() + m.size()); // just past: unmapped unless the next region maps it
        }
        p.add(rnd.nextLong(512 * ONE_G));
        return p;
    }

    private static void check(VtdIommu u, List<Mapping> ms, int sid, int pasid, long seed) {
        for (int round = 0; round < 2; round++) { // the second round is served by the IOTLB
            for (long iova : probes(ms, seed)) {
                long want = reference(ms, iova);
                Translation t = u.translate(new TranslationRequest(sid, pasid, iova, Access.READ, false));
                if (want < 0) {
                    assertInstanceOf(Fault.class, t, () -> String.format("iova 0x%x should fault", iova));
                } else {
                    assertInstanceOf(TranslationResult.class, t, () -> String.format("iova 0x%x: %s", iova, t));
                    assertEquals(want, ((TranslationResult) t).outputAddress(iova), String.format("iova 0x%x", iova));
                }
                Mapping m = ms.stream().filter(x -> reference(List.of(x), iova) >= 0).findFirst().orElse(null);
                if (m != null) {
                    Translation w = u.translate(new TranslationRequest(sid, pasid, iova, Access.WRITE, false));
                    assertEquals(m.writable(), w.ok(), String.format("write to 0x%x", iova));
                }
            }
        }
    }

    /**
     * Fails if the second stage admits input addresses 9 bits beyond its levels (seen: 0x80_0000_0000, just
     * past region 511 of a 3-level table, translated instead of faulting), and if 4 KiB IOTLB entries are
     * keyed by their 2 MiB page (seen).
     */
    @Test
    void secondStageLegacyMatchesReference() {
        qt(60).forAll(gen(TranslationProperties::mappings), integers().between(3, 5), longs().all())
                .checkAssert(TranslationProperties::secondStageLegacyMatchesReference);
    }

    private static void secondStageLegacyMatchesReference(List<Mapping> ms, int levels, long seed) {
        VtdIommu u = new VtdIommu(new PhysicalMemory(), Presets.DEFAULT);
        VtdDriver d = new VtdDriver(u, 0x100_0000L, 0x1000_0000L);
        assertTrue(d.init(false));
        IoPageTable ss = d.newSecondStageTable(levels);
        for (Mapping m : ms) {
            ss.map(m.iova(), m.pa(), m.size(), Permissions.READ | (m.writable() ? Permissions.WRITE : 0), false);
        }
        d.attachLegacy(0x0101, 9, ss, false);
        for (Mapping m : ms) {
            assertEquals(m.pa(), ss.iovaToPhys(m.iova()));
        }
        check(u, ms, 0x0101, TranslationRequest.NO_PASID, seed);
    }

    /**
     * Fails if the first-stage walk ignores R/W (seen: a write to a read-only page succeeded), and if 4 KiB
     * IOTLB entries are keyed by their 2 MiB page (seen).
     */
    @Test
    void firstStageScalableMatchesReference() {
        qt(60).forAll(gen(TranslationProperties::mappings), integers().between(4, 5), longs().all())
                .checkAssert(TranslationProperties::firstStageScalableMatchesReference);
    }

    private static void firstStageScalableMatchesReference(List<Mapping> ms, int levels, long seed) {
        VtdIommu u = new VtdIommu(new PhysicalMemory(), Presets.DEFAULT);
        VtdDriver d = new VtdDriver(u, 0x100_0000L, 0x1000_0000L);
        assertTrue(d.init(true));
        IoPageTable fs = d.newFirstStageTable(levels);
        for (Mapping m : ms) {
            fs.map(m.iova(), m.pa(), m.size(), Permissions.READ | (m.writable() ? Permissions.WRITE : 0), true);
        }
        d.setPasidEntry(0x0208, 0x123, PasidSetup.firstStage(4, fs));
        check(u, ms, 0x0208, 0x123, seed);
    }

    /** Builds a nested setup with 4 KiB pages everywhere; returns the unit with PASID 1 on device 8. */
    private static VtdIommu nestedUnit(int n, int m, boolean pagingStructureCaches, long[] iovas) {
        Map<String, String> opts = new HashMap<>();
        if (!pagingStructureCaches) {
            opts.put("fs_psc", "0");
            opts.put("ss_psc", "0");
        }
        VtdConfig config;
        try {
            config = VtdMachineKind.configure(opts);
        } catch (MachineConfigException e) {
            throw new AssertionError("the test's own machine options are rejected", e);
        }
        VtdIommu u = new VtdIommu(new PhysicalMemory(), config);
        VtdDriver d = new VtdDriver(u, 0x100_0000L, 0x1000_0000L);
        assertTrue(d.init(true));
        IoPageTable s2 = d.newSecondStageTable(m);
        // guest RAM: GPA [0, 4 MiB) -> HPA [0x4000_0000, ...), 4 KiB stage-2 pages
        for (long gpa = 0; gpa < 0x40_0000L; gpa += 0x1000) {
            s2.map(gpa, 0x4000_0000L + gpa, 0x1000, Permissions.RWX, false);
        }
        long[] next = {0x1000};
        IoPageTable s1 = d.newGuestFirstStageTable(n, () -> {
            long f = next[0];
            next[0] += 0x1000;
            return f;
        }, gpa -> gpa + 0x4000_0000L);
        for (long iova : iovas) {
            s1.map(iova, 0x20_0000L + (iova & 0xF_F000L), 0x1000, Permissions.READ | Permissions.WRITE, true);
        }
        d.setPasidEntry(0x0008, 1, PasidSetup.nested(5, s1, s2));
        return u;
    }

    /**
     * Fails if the unit rewrites first-stage accessed/dirty flags that are already set (seen: 4 page-walk
     * writes beyond the reference count), and if the driver leaves A clear in first-stage table entries (seen).
     */
    @Test
    void coldNestedWalkMakesTheReferenceCount() {
        qt(30).forAll(integers().between(4, 5), integers().between(3, 5), integers().between(0, 0xFF))
                .checkAssert(TranslationProperties::coldNestedWalkMakesTheReferenceCount);
    }

    private static void coldNestedWalkMakesTheReferenceCount(int n, int m, int page) {
        long iova = 0x7f_0000_0000L + ((long) page << 12);
        VtdIommu u = nestedUnit(n, m, false, new long[] {iova});
        WalkTrace.Recorder trace = new WalkTrace.Recorder();
        u.setTrace(trace);
        long before = u.memory().references(AccessPurpose.PAGE_WALK);
        Translation t = u.translate(TranslationRequest.withPasid(8, 1, iova, Access.READ));
        assertTrue(t.ok(), t::toString);
        int reference = (n + 1) * (m + 1) - 1;
        assertEquals(reference, trace.count(), "entries read by a cold " + n + "-over-" + m + " walk");
        assertEquals(n * m + m, trace.count(2));
        long adWrites = u.memory().references(AccessPurpose.PAGE_WALK) - before - reference;
        assertEquals(0, adWrites, "the driver set every accessed flag itself, as Linux does");

        // once the A flags are set, a cold walk after a global invalidation is exactly the reference count
        VtdIommu again = nestedUnit(n, m, false, new long[] {iova});
        again.translate(TranslationRequest.withPasid(8, 1, iova, Access.READ));
        invalidateEverything(again);
        long b2 = again.memory().references(AccessPurpose.PAGE_WALK);
        assertTrue(again.translate(TranslationRequest.withPasid(8, 1, iova, Access.READ)).ok());
        assertEquals(reference, again.memory().references(AccessPurpose.PAGE_WALK) - b2);
        assertEquals((long) reference, again.statistics().get("memory.page-walk") - b2);
    }

    /** Fails if the paging-structure caches are never filled (seen: the warm walk made more than 3 references). */
    @Test
    void pagingStructureCachesSaveReferences() {
        qt(30).forAll(integers().between(4, 5), integers().between(3, 5))
                .checkAssert(TranslationProperties::pagingStructureCachesSaveReferences);
    }

    private static void pagingStructureCachesSaveReferences(int n, int m) {
        long iova = 0x7f_0000_0000L;
        long neighbour = iova + 0x1000; // same first-stage page table, IOTLB miss
        WalkTrace.Recorder cold = new WalkTrace.Recorder();
        VtdIommu off = nestedUnit(n, m, false, new long[] {iova, neighbour});
        off.translate(TranslationRequest.withPasid(8, 1, iova, Access.READ));
        off.setTrace(cold);
        assertTrue(off.translate(TranslationRequest.withPasid(8, 1, neighbour, Access.READ)).ok());

        WalkTrace.Recorder warm = new WalkTrace.Recorder();
        VtdIommu on = nestedUnit(n, m, true, new long[] {iova, neighbour});
        on.translate(TranslationRequest.withPasid(8, 1, iova, Access.READ));
        on.setTrace(warm);
        assertTrue(on.translate(TranslationRequest.withPasid(8, 1, neighbour, Access.READ)).ok());

        assertEquals((n + 1) * (m + 1) - 1, cold.count());
        // first-stage PDE cached: one stage-1 read; its table page and the output each need one stage-2
        // read below the cached second-stage levels
        assertEquals(3, warm.count(), () -> "references with paging-structure caches: " + warm.references());
        assertTrue(on.statistics().get("fs-psc.hits") > 0);
        assertTrue(on.statistics().get("ss-psc.hits") > 0);
    }

    /** Global context, PASID-cache and IOTLB invalidation through the queue (256-bit descriptors). */
    static void invalidateEverything(VtdIommu u) {
        long iqa = u.mmioRead(0x90, 8);
        long base = iqa & ~0xFFFL;
        long head = u.mmioRead(0x80, 8) >>> 5;
        long[][] descs = {{0x11, 0}, {0x12, 0}, {0x37, 0}};
        for (long[] d : descs) {
            long a = base + head * 32;
            u.memory().write64(a, d[0]);
            u.memory().write64(a + 8, d[1]);
            u.memory().write64(a + 16, 0);
            u.memory().write64(a + 24, 0);
            head = (head + 1) % 128;
        }
        u.mmioWrite(0x88, 8, head << 5);
        assertEquals(head << 5, u.mmioRead(0x80, 8));
    }

    /**
     * Fails if 4 KiB IOTLB entries are keyed by their 2 MiB page, so that a page hits a neighbour's entry
     * (seen: a wrong output address).
     */
    @Test
    void distinctPagesAllTranslate() {
        qt(20).forAll(gen(TranslationProperties::pages)).checkAssert(TranslationProperties::distinctPagesAllTranslate);
    }

    private static void distinctPagesAllTranslate(Set<Integer> pages) {
        long[] iovas = pages.stream().mapToLong(p -> 0x10_0000_0000L + ((long) p << 12)).toArray();
        VtdIommu u = nestedUnit(4, 4, true, iovas);
        for (long iova : iovas) {
            Translation t = u.translate(TranslationRequest.withPasid(8, 1, iova + 0x10, Access.WRITE));
            assertEquals(0x4000_0000L + 0x20_0000L + (iova & 0xF_F000L) + 0x10, ((TranslationResult) t).outputAddress(iova + 0x10));
        }
    }

    /** 1 to 40 distinct pages 0..0x3FFF, in the order drawn; a page already drawn moves on to the next free one. */
    static Set<Integer> pages(RandomGenerator r) {
        int n = r.nextInt(1, 41);
        Set<Integer> pages = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            int p = index(r, 0x3FFF);
            while (!pages.add(p)) {
                p = (p + 1) & 0x3FFF;
            }
        }
        return pages;
    }

    /** The inputs of one nested comparison. */
    record NestedCase(List<Mapping> all, int n, int m, boolean smallerStage2, long seed) {
    }

    /** Mappings, first-stage levels 4..5, second-stage levels 3..5, smaller second-stage pages or not, any seed. */
    static NestedCase nestedCases(RandomGenerator r) {
        return new NestedCase(mappings(r), r.nextInt(4, 6), r.nextInt(3, 6), r.nextBoolean(), r.nextLong());
    }

    /**
     * Nested translation of random first-stage mappings (4 KiB / 2 MiB / 1 GiB, 4 or 5 levels) over a
     * second stage (3, 4 or 5 levels) that maps every guest page used with pages of the same or the next
     * smaller size, guest-physical to host-physical at a fixed offset: the output must be the
     * first-stage reference plus that offset. Each mapping gets its own guest gigabyte (its region), and
     * the guest's page-table frames the last one, so no two second-stage mappings overlap. Fails if the
     * nested walk checks guest-physical addresses against a second-stage input width one bit too narrow
     * (seen, with 3-level second stages: FS_TABLE_BEYOND_SS for a mapped address), and if 4 KiB IOTLB
     * entries are keyed by their 2 MiB page (seen). It cannot see an IOTLB entry sized by the first stage
     * alone (tried: passes), since its second stage maps at one constant offset.
     */
    @Test
    void nestedMatchesReference() {
        qt(40).forAll(gen(TranslationProperties::nestedCases)).checkAssert(c ->
                nestedMatchesReference(c.all(), c.n(), c.m(), c.smallerStage2(), c.seed()));
    }

    private static void nestedMatchesReference(List<Mapping> all, int n, int m, boolean smallerStage2, long seed) {
        final long offset = 0x100_0000_0000L;
        final long tableGpa = 511 * ONE_G;
        List<Mapping> ms = all.stream().filter(x -> x.region() > 0 && x.region() < 511).toList();
        VtdIommu u = new VtdIommu(new PhysicalMemory(), Presets.DEFAULT);
        VtdDriver d = new VtdDriver(u, 0x100_0000L, 0x4000_0000L);
        assertTrue(d.init(true));
        IoPageTable s2 = d.newSecondStageTable(m);
        s2.map(tableGpa, tableGpa + offset, 1 << 21, Permissions.RWX, false);
        long[] next = {tableGpa};
        IoPageTable s1 = d.newGuestFirstStageTable(n, () -> {
            long f = next[0];
            next[0] += 0x1000;
            return f;
        }, gpa -> gpa + offset);
        Map<Long, Long> gpaOf = new HashMap<>();
        for (Mapping x : ms) {
            // region r's gigabyte of input maps to guest gigabyte 511 - r: distinct, never 0 or 511
            long gpa = (511L - x.region()) * ONE_G + (x.iova() - x.region() * ONE_G);
            gpaOf.put(x.iova(), gpa);
            s1.map(x.iova(), gpa, x.size(), Permissions.READ | (x.writable() ? Permissions.WRITE : 0), true);
            int cls = smallerStage2 && x.sizeClass() > 0 ? x.sizeClass() - 1 : x.sizeClass();
            long step = SIZES[cls];
            for (long g = gpa; g < gpa + x.size(); g += step) {
                s2.map(g, g + offset, step, Permissions.RWX, false);
            }
        }
        d.setPasidEntry(0x0300, 7, PasidSetup.nested(6, s1, s2));
        for (long iova : probes(ms.isEmpty() ? all : ms, seed)) {
            Mapping hit = ms.stream().filter(x -> reference(List.of(x), iova) >= 0).findFirst().orElse(null);
            Translation t = u.translate(TranslationRequest.withPasid(0x300, 7, iova, Access.READ));
            if (hit == null) {
                assertInstanceOf(Fault.class, t, () -> String.format("iova 0x%x should fault", iova));
            } else {
                long want = gpaOf.get(hit.iova()) + (iova - hit.iova()) + offset;
                assertInstanceOf(TranslationResult.class, t, () -> String.format("iova 0x%x: %s", iova, t));
                assertEquals(want, ((TranslationResult) t).outputAddress(iova), String.format("iova 0x%x", iova));
            }
        }
    }
}
