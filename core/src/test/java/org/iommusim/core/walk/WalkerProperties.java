package org.iommusim.core.walk;

import static org.iommusim.proptest.Props.gen;
import static org.iommusim.proptest.Props.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import org.iommusim.core.memory.PhysicalMemory;
import org.junit.jupiter.api.Test;

/**
 * The walker against a reference: random formats, random mappings, and the reference is the mapping
 * list itself.
 */
class WalkerProperties {
    /** Tables live above 2^44; outputs below 2^40, so they never overlap. */
    static final long ARENA = 1L << 44;

    record Mapping(long pageIndex, long outputIndex, int step) {
    }

    record Case(RadixFormat format, List<Mapping> mappings, long probeSeed) {
    }

    /** 1..5 levels of 2..9 index bits over 4 KiB pages, any set of block (large-page) steps 0..31. */
    static RadixFormat formats(RandomGenerator r) {
        int levels = r.nextInt(1, 6);
        int bits = r.nextInt(2, 10);
        int blocks = r.nextInt(0, 32);
        return new RadixFormat(levels, bits, 12, blocks);
    }

    /**
     * A format, up to 40 mappings of any input page to an output page below 2^40 at any step, and the
     * seed of the probes.
     */
    static Case cases(RandomGenerator r) {
        RadixFormat f = formats(r);
        int n = r.nextInt(0, 41);
        List<Mapping> mappings = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            mappings.add(new Mapping(r.nextLong(0, 1L << (f.inputBits() - 12)), r.nextLong(0, 1L << 28),
                    r.nextInt(0, f.levels())));
        }
        return new Case(f, mappings, r.nextLong());
    }

    /** Fails if the walker reports the last level's page size for a block (large-page) leaf. */
    @Test
    void walkEqualsTheMappingThatBuiltTheTables() {
        qt(200).forAll(gen(WalkerProperties::cases))
                .checkAssert(WalkerProperties::walkEqualsTheMappingThatBuiltTheTables);
    }

    private static void walkEqualsTheMappingThatBuiltTheTables(Case c) {
        PhysicalMemory mem = new PhysicalMemory();
        RadixFormat f = c.format();
        RadixTableBuilder b = new RadixTableBuilder(mem, f, ARENA);
        List<long[]> accepted = new ArrayList<>(); // input base, output base, size, step
        for (Mapping m : c.mappings()) {
            int step = (f.blockSteps() & (1 << m.step())) != 0 || m.step() == f.levels() - 1
                    ? m.step() : f.levels() - 1;
            long size = f.pageSize(step);
            long in = (m.pageIndex() << 12) & -size;
            long out = (m.outputIndex() << 12) & -size;
            if (b.map(in, out, step)) {
                accepted.add(new long[] {in, out, size, step});
            }
        }
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(c.probeSeed());
        for (long[] a : accepted) {
            long probe = a[0] + rnd.nextLong(a[2]);
            WalkResult r = Walker.walk(mem, f, b.root(), probe, 1, WalkTrace.NONE);
            assertEquals(WalkResult.Status.OK, r.status());
            assertEquals(a[1] + (probe - a[0]), r.translate(probe));
            assertEquals(a[2], r.pageSize());
            assertEquals(a[3], r.step());
        }
        long[] entries = new long[f.levels() + 1];
        long[] addresses = new long[f.levels() + 1];
        for (int i = 0; i < 20; i++) {
            long probe = rnd.nextLong(1L << f.inputBits());
            boolean mapped = accepted.stream().anyMatch(a -> probe >= a[0] && probe < a[0] + a[2]);
            WalkResult r = Walker.walk(mem, f, b.root(), probe, 1, WalkTrace.NONE);
            assertEquals(mapped, r.ok(), "probe 0x" + Long.toHexString(probe));
            // the same walk into reused arrays (still holding the last walk's values) reads the same
            java.util.Arrays.fill(entries, r.ok() ? -1 : 7);
            WalkResult again = Walker.walkFrom(mem, f, 0, b.root(), probe, 1, WalkTrace.NONE, entries, addresses);
            assertSame(entries, again.entries());
            assertEquals(List.of(r.status(), r.step(), r.level(), r.address(), r.pageSize()),
                    List.of(again.status(), again.step(), again.level(), again.address(), again.pageSize()));
            for (int s = r.firstStep(); s <= r.step(); s++) {
                assertEquals(r.entries()[s], again.entries()[s]);
                assertEquals(r.entryAddresses()[s], again.entryAddresses()[s]);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Walker.walkFrom(mem, f, 0, b.root(), 0, 1,
                WalkTrace.NONE, new long[f.levels() - 1], new long[f.levels()]), "arrays too short");
    }

    /** Fails if the format accepts a leaf whose address is not aligned to its page size. */
    @Test
    void randomBytesInTablesNeverThrow() {
        qt(200).forAll(gen(WalkerProperties::formats), longs().all())
                .checkAssert(WalkerProperties::randomBytesInTablesNeverThrow);
    }

    private static void randomBytesInTablesNeverThrow(RadixFormat f, long seed) {
        PhysicalMemory mem = new PhysicalMemory(40);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        // Garbage tables whose pointers land mostly inside a small region, sometimes beyond memory.
        for (int i = 0; i < 64; i++) {
            long a = rnd.nextLong(16) * 4096 + rnd.nextInt(512) * 8L;
            long v = rnd.nextBoolean() ? rnd.nextLong() : (rnd.nextLong(16) * 4096) | (rnd.nextLong() & 3);
            mem.write64(a, v);
        }
        for (int i = 0; i < 50; i++) {
            WalkResult r = Walker.walk(mem, f, rnd.nextLong(16) * 4096, rnd.nextLong(), 1, WalkTrace.NONE);
            if (r.ok()) {
                assertEquals(0, r.address() & (r.pageSize() - 1), "outputs are page aligned");
            }
        }
    }
}
