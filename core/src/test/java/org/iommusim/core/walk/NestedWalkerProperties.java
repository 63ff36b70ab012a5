package org.iommusim.core.walk;

import static org.iommusim.proptest.Props.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.iommusim.core.memory.PhysicalMemory;
import org.junit.jupiter.api.Test;

/**
 * The nested walker: (n+1)(m+1)-1 references for a cold n-over-m walk, and the output equals the
 * composition of the two mapping sets.
 */
class NestedWalkerProperties {
    /** Guest-physical 0 lives at this host-physical address, so a walker that forgets stage 2 reads garbage. */
    static final long GUEST_BASE = 1L << 42;
    static final long S1_ARENA = 1L << 30;
    static final long S2_ARENA = 1L << 45;

    /** A stage 1 over a stage 2 with random page mappings, and the map of every guest page stage 2 maps. */
    static final class Setup {
        final PhysicalMemory mem = new PhysicalMemory();
        final RadixFormat s1;
        final RadixFormat s2;
        final RadixTableBuilder s1b;
        final RadixTableBuilder s2b;
        final Map<Long, Long> s1Pages = new LinkedHashMap<>(); // IOVA page -> GPA page
        final Map<Long, Long> s2Pages = new LinkedHashMap<>(); // GPA page -> HPA page

        Setup(RadixFormat s1, RadixFormat s2, int pages, long seed) {
            this.s1 = s1;
            this.s2 = s2;
            SplittableRandom rnd = new SplittableRandom(seed);
            // Everything guest-physical must fit in stage 2's input range: data pages in its lower half,
            // stage-1 tables in its upper half.
            long half = 1L << Math.min(s2.inputBits() - 1, 36);
            s1b = new RadixTableBuilder(mem, s1, half, GUEST_BASE);
            s2b = new RadixTableBuilder(mem, s2, S2_ARENA);
            for (int i = 0; i < pages; i++) {
                long iova = rnd.nextLong(1L << (s1.inputBits() - 12)) << 12;
                long gpa = rnd.nextLong(half >>> 12) << 12;
                if (s1b.map(iova, gpa, s1.levels() - 1)) {
                    s1Pages.put(iova, gpa);
                    mapS2(gpa);
                }
            }
            for (long t = s1b.arenaStart(); t < s1b.arenaEnd(); t += 4096) {
                mapS2(t);
            }
        }

        private void mapS2(long gpa) {
            if (!s2Pages.containsKey(gpa)) {
                long hpa = gpa + GUEST_BASE;
                assertTrue(s2b.map(gpa, hpa, s2.levels() - 1));
                s2Pages.put(gpa, hpa);
            }
        }

        NestedWalkResult walk(long iova, WalkTrace trace) {
            return NestedWalker.walk(mem, s1, s1b.root(), iova, StageTwo.walking(mem, s2, s2b.root()), trace);
        }
    }

    /** Fails if the stage-2 walks of the stage-1 table entries go untraced (4 over 4 then counts 8, not 24). */
    @Test
    void coldNestedWalkCountAndResult() {
        qt(100).forAll(integers().between(1, 5), integers().between(1, 5), integers().between(1, 20), longs().all())
                .checkAssert(NestedWalkerProperties::coldNestedWalkCountAndResult);
    }

    private static void coldNestedWalkCountAndResult(int n, int m, int pages, long seed) {
        Setup s = new Setup(RadixFormat.ofLevels(n), RadixFormat.ofLevels(m), pages, seed);
        for (Map.Entry<Long, Long> e : s.s1Pages.entrySet()) {
            WalkTrace.Recorder trace = new WalkTrace.Recorder();
            long iova = e.getKey() | 0x123;
            NestedWalkResult r = s.walk(iova, trace);
            assertEquals(NestedWalkResult.Status.OK, r.status());
            assertEquals((n + 1) * (m + 1) - 1, trace.count());
            assertEquals(n, trace.count(1));
            assertEquals(s.s2Pages.get(e.getValue()) | 0x123, r.translate(iova));
        }
    }

    @Test
    void fourOverFourIs24AndFiveOverFiveIs35() {
        for (int levels : new int[] {4, 5}) {
            Setup s = new Setup(RadixFormat.ofLevels(levels), RadixFormat.ofLevels(levels), 1, 7);
            WalkTrace.Recorder trace = new WalkTrace.Recorder();
            assertTrue(s.walk(s.s1Pages.keySet().iterator().next(), trace).ok());
            assertEquals(levels == 4 ? 24 : 35, trace.count());
        }
    }

    @Test
    void stage2FaultDuringATableFetchIsReportedWithItsIpa() {
        Setup s = new Setup(RadixFormat.ofLevels(4), RadixFormat.ofLevels(4), 3, 11);
        long iova = s.s1Pages.keySet().iterator().next();
        // Remove stage 2's mapping of the stage-1 root table: the first fetch must fault at stage 2.
        long rootGpa = s.s1b.root();
        WalkResult s2 = Walker.walk(s.mem, s.s2, s.s2b.root(), rootGpa, 2, WalkTrace.NONE);
        s.mem.write64(s2.entryAddresses()[s2.step()], 0);
        NestedWalkResult r = s.walk(iova, WalkTrace.NONE);
        assertEquals(NestedWalkResult.Status.STAGE2_FAULT, r.status());
        assertTrue(r.tableFetch());
        assertEquals(rootGpa, r.ipa() & ~0xFFFL);
        assertEquals(0, r.stage1().step());
        assertFalse(r.stage2().ok());
    }

    @Test
    void stage2FaultOnTheFinalOutputIsNotATableFetch() {
        Setup s = new Setup(RadixFormat.ofLevels(4), RadixFormat.ofLevels(4), 1, 5);
        Map.Entry<Long, Long> e = s.s1Pages.entrySet().iterator().next();
        WalkResult s2 = Walker.walk(s.mem, s.s2, s.s2b.root(), e.getValue(), 2, WalkTrace.NONE);
        s.mem.write64(s2.entryAddresses()[s2.step()], 0);
        NestedWalkResult r = s.walk(e.getKey(), WalkTrace.NONE);
        assertEquals(NestedWalkResult.Status.STAGE2_FAULT, r.status());
        assertFalse(r.tableFetch());
        assertEquals(e.getValue(), r.ipa());
        assertTrue(r.stage1().ok(), "stage 1 completed before the output faulted");
    }

    /**
     * Fails if the nested walk keeps stage 1's page size instead of the smaller of the two, or if the
     * walker reports the last level's page size for a block.
     */
    @Test
    void combinedPageSizeIsTheSmallerOfTheTwo() {
        qt(50).forAll(integers().between(0, 2), integers().between(0, 2))
                .checkAssert(NestedWalkerProperties::combinedPageSizeIsTheSmallerOfTheTwo);
    }

    private static void combinedPageSizeIsTheSmallerOfTheTwo(int s1Step, int s2Step) {
        RadixFormat f = new RadixFormat(3, 9, 12, 0b011);
        PhysicalMemory mem = new PhysicalMemory();
        RadixTableBuilder s1b = new RadixTableBuilder(mem, f, S1_ARENA, GUEST_BASE);
        RadixTableBuilder s2b = new RadixTableBuilder(mem, f, S2_ARENA);
        long s1Size = f.pageSize(s1Step);
        long s2Size = f.pageSize(s2Step);
        long gpa = 1L << 31;
        assertTrue(s1b.map(0, gpa, s1Step));
        long tables = s1b.arenaStart();
        long big = f.pageSize(0);
        assertTrue(s2b.map(tables & -big, (tables & -big) + GUEST_BASE, 0));
        if (s2Step == 0 || (gpa & -big) != (tables & -big)) {
            assertTrue(s2b.map(gpa & -s2Size, (gpa & -s2Size) + GUEST_BASE, s2Step));
        }
        NestedWalkResult r = NestedWalker.walk(mem, f, s1b.root(), 0x234,
                StageTwo.walking(mem, f, s2b.root()), WalkTrace.NONE);
        assertTrue(r.ok(), () -> r.toString());
        assertEquals(Math.min(s1Size, s2Size), r.pageSize());
        assertEquals(gpa + GUEST_BASE + 0x234, r.translate(0x234));
    }
}
