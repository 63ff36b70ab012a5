package org.iommusim.smmu.v3.properties;

import static org.iommusim.proptest.Props.gen;
import static org.iommusim.proptest.Props.qt;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.smmu.v3.SmmuV3;
import org.iommusim.smmu.v3.preset.Presets;
import org.iommusim.smmu.v3.registers.IdRegisters;
import org.iommusim.smmu.v3.registers.RegisterOffsets;
import org.junit.jupiter.api.Test;

/**
 * Guest-controlled data never raises a Java exception: random bytes in the stream table, CD tables and
 * page tables (including pointers between them), random commands, random register writes and random ID
 * registers. Every translation ends in a result or a fault, every command in consumption or an error.
 */
class RandomInputProperties {
    private static final long STRTAB = 0x10_0000;
    private static final long EVQ = 0x20_0000;
    private static final long CMDQ = 0x30_0000;
    /** Random pointers are drawn from this window so walks often reach the random tables. */
    private static final long WINDOW = 0x40_0000;

    /**
     * A table word: three times in six a pointer into the window with random low bits, twice any long,
     * once a small value.
     */
    static long word(RandomGenerator r) {
        int f = r.nextInt(0, 6);
        if (f < 3) {
            long pointer = WINDOW + r.nextLong(0, 0x40) * 0x1000;
            return pointer | r.nextLong(0, 0x1000);
        }
        return f < 5 ? anyLong(r) : r.nextLong(0, 0x100);
    }

    /** {@code n} table words. */
    static List<Long> words(RandomGenerator r, int n) {
        List<Long> words = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            words.add(word(r));
        }
        return words;
    }

    /** Edge values that any long or int is now and then. */
    private static final long[] LONG_EDGES = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE};
    private static final int[] INT_EDGES = {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE};

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

    /** Any int, drawn like {@link #anyLong}: now and then an edge value, small values as common as large. */
    static int anyInt(RandomGenerator r) {
        if (r.nextInt(0, 10) == 0) {
            return INT_EDGES[r.nextInt(0, INT_EDGES.length)];
        }
        return (int) (r.nextLong() >> (64 - r.nextInt(1, 33)));
    }

    /** {@code n} longs from anywhere. */
    static List<Long> anyLongs(RandomGenerator r, int n) {
        List<Long> longs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            longs.add(anyLong(r));
        }
        return longs;
    }

    private static SmmuV3 enabled(PhysicalMemory memory, IdRegisters id, int cfg) {
        SmmuV3 smmu = new SmmuV3(memory, id);
        smmu.mmioWrite(RegisterOffsets.STRTAB_BASE, 8, STRTAB);
        smmu.mmioWrite(RegisterOffsets.STRTAB_BASE_CFG, 4, cfg);
        smmu.mmioWrite(RegisterOffsets.EVENTQ_BASE, 8, EVQ | 3);
        smmu.mmioWrite(RegisterOffsets.CMDQ_BASE, 8, CMDQ | 4);
        smmu.mmioWrite(RegisterOffsets.CR2, 4, 2);
        smmu.mmioWrite(RegisterOffsets.CR0, 4, 0xD);
        return smmu;
    }

    /** Random tables: 64 stream-table words, 512 table words, STRTAB_BASE_CFG, 8 addresses and a PASID. */
    record RandomTables(List<Long> ste, List<Long> tables, int cfg, List<Long> iovas, int pasid) {
    }

    /** Table words, any STRTAB_BASE_CFG in [0, 0x3FFFF], addresses from anywhere, a PASID or none (-1). */
    static RandomTables randomTables(RandomGenerator r) {
        return new RandomTables(words(r, 64), words(r, 512), r.nextInt(0, 0x40000), anyLongs(r, 8),
                r.nextInt(-1, 0x100000));
    }

    /** Fails if the two-level stream table does not check that an L2 STE lies in memory (F_STE_FETCH). */
    @Test
    void randomTablesNeverThrow() {
        qt(300).forAll(gen(RandomInputProperties::randomTables)).checkAssert(t -> randomTablesNeverThrow(t.ste(),
                t.tables(), t.cfg(), t.iovas(), t.pasid()));
    }

    private static void randomTablesNeverThrow(List<Long> ste, List<Long> tables, int cfg, List<Long> iovas,
                                               int pasid) {
        PhysicalMemory memory = new PhysicalMemory(44);
        SmmuV3 smmu = enabled(memory, Presets.DEFAULT, cfg);
        for (int i = 0; i < ste.size(); i++) {
            memory.write64(STRTAB + 8L * i, ste.get(i));
        }
        // two rounds: the second rewrites the tables under the caches the first filled, without
        // invalidation (stale configurations, TLB and walk-cache entries of another shape)
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < tables.size(); i++) {
                long value = tables.get((i + round * 7) % tables.size());
                memory.write64(WINDOW + 0x1000L * (i / 8) + 8L * (i % 8) + 0x40L * (i % 5), value);
            }
            for (long iova : iovas) {
                for (Access a : Access.values()) {
                    for (int sid = 0; sid < 8; sid++) {
                        smmu.translate(new TranslationRequest(sid, pasid, iova, a, (iova & 1) != 0));
                        smmu.translate(new TranslationRequest(sid, -1, iova & 0xFFFF_FFFFL, a, false));
                    }
                }
            }
        }
        smmu.statistics();
    }

    /**
     * Structured random configurations: STEs and CDs with random but mostly plausible field values
     * (every Config, S1Fmt, S1CDMax, S1DSS, granule, TxSZ, SL0, PS, HTTU bits ...) pointing into a
     * window of random table words, changed between rounds without invalidation.
     */
    @Test
    void randomConfigurationsNeverThrow() {
        qt(300).forAll(gen(r -> anyLongs(r, 48)), gen(r -> words(r, 256)), gen(r -> anyLongs(r, 6)))
                .checkAssert(RandomInputProperties::randomConfigurationsNeverThrow);
    }

    private static void randomConfigurationsNeverThrow(List<Long> seeds, List<Long> tables, List<Long> iovas) {
        PhysicalMemory memory = new PhysicalMemory(44);
        SmmuV3 smmu = enabled(memory, Presets.DEFAULT, 6);
        for (int i = 0; i < tables.size(); i++) {
            memory.write64(WINDOW + 8L * i * 17 % (0x40 * 0x1000), tables.get(i));
        }
        for (int round = 0; round < 3; round++) {
            for (int sid = 0; sid < 8; sid++) {
                java.util.SplittableRandom r = new java.util.SplittableRandom(seeds.get((sid + round * 8) % seeds.size()));
                long ptr = WINDOW + r.nextInt(0x40) * 0x1000L;
                long dw0 = 1 | ((4L + r.nextInt(4)) << 1) | ((long) r.nextInt(4) << 4) | ptr
                        | ((long) r.nextInt(11) << 59);
                long dw1 = r.nextInt(4) | ((long) r.nextInt(4) << 30) | ((long) r.nextInt(4) << 28);
                long dw2 = r.nextInt(4) | ((16L + r.nextInt(26)) << 32) | ((long) r.nextInt(4) << 38)
                        | ((long) r.nextInt(4) << 46) | ((long) r.nextInt(8) << 48) | (1L << 51)
                        | ((long) r.nextInt(256) << 53);
                long dw3 = WINDOW + r.nextInt(0x40) * 0x1000L;
                long ste = STRTAB + 64L * sid;
                memory.write64(ste, dw0);
                memory.write64(ste + 8, dw1);
                memory.write64(ste + 16, dw2);
                memory.write64(ste + 24, dw3);
                // a CD at the context pointer and at a few SubstreamID slots
                for (int c = 0; c < 4; c++) {
                    long cd = (12L + r.nextInt(34)) | ((long) r.nextInt(4) << 6) | ((12L + r.nextInt(34)) << 16)
                            | ((long) r.nextInt(4) << 22) | ((long) r.nextInt(2) << 14) | ((long) r.nextInt(2) << 30)
                            | (1L << 31) | ((long) r.nextInt(8) << 32) | ((long) r.nextInt(256) << 35)
                            | (1L << 41) | (1L << 46) | ((long) r.nextInt(4) << 42) | ((long) r.nextInt(0x10000) << 48);
                    long at = ptr + 64L * c * (1 + r.nextInt(4));
                    memory.write64(at, cd);
                    memory.write64(at + 8, WINDOW + r.nextInt(0x40) * 0x1000L);
                    memory.write64(at + 16, WINDOW + r.nextInt(0x40) * 0x1000L);
                }
            }
            for (long iova : iovas) {
                for (int sid = 0; sid < 8; sid++) {
                    for (Access a : Access.values()) {
                        smmu.translate(new TranslationRequest(sid, (int) (iova >>> 44) & 0x3FF, iova & 0xFF_FFFF_FFFFL,
                                a, (iova & 1) != 0));
                        smmu.translate(new TranslationRequest(sid, -1, iova, a, false));
                    }
                }
            }
        }
    }

    /** Random commands and register writes: up to 48 command words, up to 24 offsets and values, ID values. */
    record Commands(List<Long> words, List<Integer> offsets, List<Long> values, int idr0, int idr1, int idr3,
                    int idr5) {
    }

    /** Command words and values from anywhere, offsets in [0, 0x2_0000], any IDR0, IDR1, IDR3 and IDR5. */
    static Commands commands(RandomGenerator r) {
        List<Long> words = anyLongs(r, r.nextInt(0, 49));
        int n = r.nextInt(0, 25);
        List<Integer> offsets = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            offsets.add(r.nextInt(0, 0x2_0001));
        }
        List<Long> values = anyLongs(r, r.nextInt(0, 25));
        return new Commands(words, offsets, values, anyInt(r), anyInt(r), anyInt(r), anyInt(r));
    }

    @Test
    void randomCommandsAndRegistersNeverThrow() {
        qt(300).forAll(gen(RandomInputProperties::commands)).checkAssert(c -> randomCommandsAndRegistersNeverThrow(
                c.words(), c.offsets(), c.values(), c.idr0(), c.idr1(), c.idr3(), c.idr5()));
    }

    private static void randomCommandsAndRegistersNeverThrow(List<Long> words, List<Integer> offsets,
                                                             List<Long> values, int idr0, int idr1, int idr3,
                                                             int idr5) {
        PhysicalMemory memory = new PhysicalMemory(40);
        IdRegisters id = new IdRegisters(idr0, idr1, 0, idr3, 0, idr5, 0, 2);
        SmmuV3 smmu = enabled(memory, id, 8);
        for (int i = 0; i < words.size(); i++) {
            long w = words.get(i);
            // half the commands get a real opcode so they pass the opcode check
            if ((i & 2) == 0) {
                int[] ops = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x10, 0x11, 0x12, 0x13, 0x20, 0x21, 0x22, 0x23, 0x28,
                        0x2A, 0x30, 0x40, 0x41, 0x44, 0x45, 0x46};
                w = (w & ~0xFFL) | ops[(int) Long.remainderUnsigned(w >>> 8, ops.length)];
            }
            memory.write64(CMDQ + 8L * i, w);
        }
        smmu.mmioWrite(RegisterOffsets.CMDQ_PROD, 4, words.size() / 2);
        for (int i = 0; i < offsets.size(); i++) {
            long v = i < values.size() ? values.get(i) : 0;
            int off = offsets.get(i) & ~3;
            smmu.mmioWrite(off, (i & 1) == 0 ? 4 : 8, v);
            smmu.mmioRead(off, 4);
            smmu.translate(new TranslationRequest(i, -1, v, Access.READ, false));
        }
        smmu.mmioWrite(RegisterOffsets.GERRORN, 4, (int) smmu.mmioRead(RegisterOffsets.GERROR, 4));
        smmu.capabilities();
    }
}
