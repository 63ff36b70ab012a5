package org.iommusim.smmu.v3.properties;

import static org.iommusim.proptest.Props.gen;
import static org.iommusim.proptest.Props.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Fault;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.request.TranslationResult;
import org.iommusim.smmu.v3.SmmuV3;
import org.iommusim.smmu.v3.driver.CdTable;
import org.iommusim.smmu.v3.driver.DriverMemory;
import org.iommusim.smmu.v3.driver.IoPageTable;
import org.iommusim.smmu.v3.driver.PageAllocator;
import org.iommusim.smmu.v3.driver.Prot;
import org.iommusim.smmu.v3.driver.SmmuV3Driver;
import org.iommusim.smmu.v3.event.EventType;
import org.iommusim.smmu.v3.preset.Presets;
import org.iommusim.smmu.v3.ste.StreamTableEntry;
import org.iommusim.smmu.vmsa.Granule;
import org.junit.jupiter.api.Test;

/**
 * Translations of the SMMU model equal a reference computed from the set of mappings alone, for random
 * mappings (pages and blocks) over every granule and every start level, for stage 1, stage 2 and nested.
 */
class TranslationProperties {
    /** One requested mapping: slot (which aligned address), size choice, target slot, writable. */
    record Mapping(int slot, int sizeChoice, int target, boolean writable) {
    }

    /** A mapping that was installed. */
    record Installed(long iova, long pa, long size, boolean writable) {
        boolean covers(long a) {
            return a >= iova && a - iova < size;
        }
    }

    /** 1 to 24 requested mappings: any slot, size choice, target slot, writable or not. */
    static List<Mapping> mappings(RandomGenerator r) {
        int n = r.nextInt(1, 25);
        List<Mapping> ms = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ms.add(new Mapping(r.nextInt(0, 64), r.nextInt(0, 3), r.nextInt(0, 64), r.nextBoolean()));
        }
        return ms;
    }

    // start levels: 4K 48/39/30 -> L0/L1/L2; 16K 48/47/36/25 -> L0..L3; 64K 48/42/29 -> L1..L3
    private static final int[] INPUT_BITS = {25, 29, 30, 32, 36, 39, 40, 42, 47, 48};

    /** An input size that gives every granule every start level. */
    static int inputBits(RandomGenerator r) {
        return INPUT_BITS[r.nextInt(0, INPUT_BITS.length)];
    }

    static Granule granule(RandomGenerator r) {
        return Granule.values()[r.nextInt(0, Granule.values().length)];
    }

    /** Edge values that any long is now and then. */
    private static final long[] LONG_EDGES = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE};

    /**
     * Any long: now and then an edge value, otherwise of a magnitude of 1 to 64 bits chosen uniformly, so
     * that small values are as common as large ones (as the old engine drew an unconstrained long).
     */
    static long anyLong(RandomGenerator r) {
        if (r.nextInt(0, 10) == 0) {
            return LONG_EDGES[r.nextInt(0, LONG_EDGES.length)];
        }
        int bits = r.nextInt(1, 65);
        long v = r.nextLong();
        return bits == 64 ? v : v >> (64 - bits);
    }

    private static final long OUTPUT_BASE = 0x10_0000_0000L;

    /** Installs the mappings at addresses inside {@code ias} bits, keeping those the table accepted. */
    private static List<Installed> install(IoPageTable t, List<Mapping> ms, long pageOffset) {
        long[] sizes = t.pageSizes();
        List<Installed> done = new ArrayList<>();
        int ias = t.ias();
        for (Mapping m : ms) {
            long size = sizes[Math.min(m.sizeChoice(), sizes.length - 1)];
            if (size > (1L << ias) / 64) {
                size = sizes[0];
            }
            long span = Math.max(size, (1L << ias) / 64);
            long iova = ((long) m.slot() * span) & -size;
            long pa = pageOffset + (((long) m.target() * size) & ((1L << 32) - 1));
            int prot = Prot.READ | (m.writable() ? Prot.WRITE : 0);
            long end = iova + size;
            // a block over an existing table would replace it (as Linux does): keep the reference simple
            if (done.stream().anyMatch(in -> in.iova() < end && iova < in.iova() + in.size())) {
                continue;
            }
            if (t.map(iova, pa, size, prot) == 0) {
                done.add(new Installed(iova, pa, size, m.writable()));
            }
        }
        return done;
    }

    private static void check(SmmuV3 smmu, int sid, List<Installed> done, long probe, int ias,
                              java.util.function.LongUnaryOperator outer) {
        for (Installed in : done) {
            for (long a : new long[] {in.iova(), in.iova() + in.size() - 8, in.iova() + in.size() / 2 + 0x18}) {
                Translation r = smmu.translate(new TranslationRequest(sid, -1, a, Access.READ, false));
                assertTrue(r.ok(), () -> "0x" + Long.toHexString(a) + " " + r);
                assertEquals(outer.applyAsLong(in.pa() + (a - in.iova())), ((TranslationResult) r).outputAddress(a));
                Translation w = smmu.translate(new TranslationRequest(sid, -1, a, Access.WRITE, false));
                assertEquals(in.writable(), w.ok(), () -> "write 0x" + Long.toHexString(a) + " " + w);
                if (!in.writable()) {
                    assertEquals(EventType.F_PERMISSION, ((Fault) w).code());
                }
            }
        }
        long a = probe & ((1L << ias) - 1) & ~7L;
        boolean mapped = done.stream().anyMatch(in -> in.covers(a));
        Translation r = smmu.translate(new TranslationRequest(sid, -1, a, Access.READ, false));
        assertEquals(mapped, r.ok());
        if (!mapped) {
            assertEquals(EventType.F_TRANSLATION, ((Fault) r).code());
        }
    }

    private static SmmuV3Driver boot(SmmuV3 smmu, PageAllocator alloc) {
        SmmuV3Driver d = new SmmuV3Driver(smmu, alloc, SmmuV3Driver.StreamTableFormat.LINEAR, 4);
        d.init();
        return d;
    }

    /** Fails if stage 1 ignores AP[2] (read-only pages writable). */
    @Test
    void stage1MatchesTheMappingSet() {
        qt(60).forAll(gen(TranslationProperties::granule), gen(TranslationProperties::inputBits),
                gen(TranslationProperties::mappings), gen(TranslationProperties::anyLong))
                .checkAssert(TranslationProperties::stage1MatchesTheMappingSet);
    }

    private static void stage1MatchesTheMappingSet(Granule g, int ias, List<Mapping> ms, long probe) {
        PhysicalMemory memory = new PhysicalMemory(48);
        SmmuV3 smmu = new SmmuV3(memory, Presets.DEFAULT);
        PageAllocator alloc = new PageAllocator(DriverMemory.physical(memory), 0x1000_0000L, 0x8000_0000L);
        SmmuV3Driver driver = boot(smmu, alloc);
        IoPageTable t = new IoPageTable(alloc, 1, g, ias, 48);
        List<Installed> done = install(t, ms, OUTPUT_BASE);
        CdTable cds = new CdTable(alloc, StreamTableEntry.S1FMT_LINEAR, 0);
        cds.write(0, 1, t, 0);
        driver.attachStage1(1, cds);
        check(smmu, 1, done, probe, ias, x -> x);
    }

    /** Fails if stage 2 takes write permission from S2AP[0]. */
    @Test
    void stage2MatchesTheMappingSet() {
        qt(60).forAll(gen(TranslationProperties::granule), gen(TranslationProperties::inputBits),
                gen(TranslationProperties::mappings), gen(TranslationProperties::anyLong))
                .checkAssert(TranslationProperties::stage2MatchesTheMappingSet);
    }

    private static void stage2MatchesTheMappingSet(Granule g, int ias, List<Mapping> ms, long probe) {
        PhysicalMemory memory = new PhysicalMemory(48);
        SmmuV3 smmu = new SmmuV3(memory, Presets.DEFAULT);
        PageAllocator alloc = new PageAllocator(DriverMemory.physical(memory), 0x1000_0000L, 0x8000_0000L);
        SmmuV3Driver driver = boot(smmu, alloc);
        IoPageTable t = new IoPageTable(alloc, 2, g, ias, 48);
        List<Installed> done = install(t, ms, OUTPUT_BASE);
        driver.attachStage2(1, 3, t);
        check(smmu, 1, done, probe, ias, x -> x);
    }

    /** One nested case: the two granules, the stage-1 input size, the mappings, guest RAM's shift, a probe. */
    record Nested(Granule g1, Granule g2, int ias, List<Mapping> ms, int shift, long probe) {
    }

    /** Any granules, one of the input sizes, mappings, a shift of 0..15 and any probe. */
    static Nested nested(RandomGenerator r) {
        return new Nested(granule(r), granule(r), inputBits(r), mappings(r), r.nextInt(0, 16), anyLong(r));
    }

    /**
     * Fails if stage 1 ignores AP[2], or if the offset inside a stage-1 block above 4 KiB is dropped
     * before the stage-2 walk.
     */
    @Test
    void nestedMatchesTheComposedMappingSets() {
        qt(40).forAll(gen(TranslationProperties::nested)).checkAssert(n -> nestedMatchesTheComposedMappingSets(n.g1(),
                n.g2(), n.ias(), n.ms(), n.shift(), n.probe()));
    }

    private static void nestedMatchesTheComposedMappingSets(Granule g1, Granule g2, int ias, List<Mapping> ms,
                                                            int shift, long probe) {
        PhysicalMemory memory = new PhysicalMemory(48);
        SmmuV3 smmu = new SmmuV3(memory, Presets.DEFAULT);
        PageAllocator alloc = new PageAllocator(DriverMemory.physical(memory), 0x1000_0000L, 0x8000_0000L);
        SmmuV3Driver driver = boot(smmu, alloc);
        // guest RAM: IPA [0x4000_0000, +64 MiB) -> PA [0x2_0000_0000 + shift * 64 MiB, ...) by 64K-or-smaller pages;
        // guest outputs: IPA [0x8000_0000, +4 GiB) -> PA [OUTPUT_BASE, ...) with the largest stage-2 blocks
        long ram = 0x2_0000_0000L + (long) shift * (64 << 20);
        IoPageTable s2 = new IoPageTable(alloc, 2, g2, 40, 48);
        for (long off = 0; off < (64 << 20); off += g2.pageSize()) {
            assertEquals(0, s2.map(0x4000_0000L + off, ram + off, g2.pageSize(), Prot.READ | Prot.WRITE));
        }
        long block = s2.pageSizes()[1];
        for (long off = 0; off < (1L << 32); off += block) {
            assertEquals(0, s2.map(0x1_0000_0000L + off, OUTPUT_BASE + off, block, Prot.READ | Prot.WRITE));
        }
        PageAllocator guest = new PageAllocator(DriverMemory.guest(memory, 0x4000_0000L, ram), 0x4000_0000L,
                0x4000_0000L + (64 << 20));
        IoPageTable s1 = new IoPageTable(guest, 1, g1, ias, 40);
        List<Installed> done = install(s1, ms, 0x1_0000_0000L);
        CdTable cds = new CdTable(guest, StreamTableEntry.S1FMT_LINEAR, 0);
        cds.write(0, 5, s1, 0);
        driver.attachNested(1, 7, s2, cds.base(), StreamTableEntry.S1FMT_LINEAR, 0);
        check(smmu, 1, done, probe, ias, ipa -> ipa - 0x1_0000_0000L + OUTPUT_BASE);
    }
}
