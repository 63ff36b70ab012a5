package org.iommusim.smmu.v3.properties;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.smmu.v3.SmmuV3;
import org.iommusim.smmu.v3.preset.Presets;
import org.iommusim.smmu.v3.registers.IdRegisters;
import org.iommusim.smmu.v3.registers.RegisterOffsets;

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

    @Provide
    Arbitrary<Long> word() {
        Arbitrary<Long> pointer = Arbitraries.longs().between(0, 0x3F).map(i -> WINDOW + i * 0x1000);
        Arbitrary<Long> lowBits = Arbitraries.longs().between(0, 0xFFF);
        Arbitrary<Long> likely = pointer.flatMap(p -> lowBits.map(b -> p | b));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, likely), net.jqwik.api.Tuple.of(2, Arbitraries.longs()),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0, 0xFF)));
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

    @Property(tries = 300)
    void randomTablesNeverThrow(@ForAll @Size(min = 64, max = 64) List<@net.jqwik.api.From("word") Long> ste,
                                @ForAll @Size(min = 512, max = 512) List<@net.jqwik.api.From("word") Long> tables,
                                @ForAll @IntRange(min = 0, max = 0x3FFFF) int cfg,
                                @ForAll @Size(min = 8, max = 8) List<Long> iovas,
                                @ForAll @IntRange(min = -1, max = 0xFFFFF) int pasid) {
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
    @Property(tries = 300)
    void randomConfigurationsNeverThrow(@ForAll @Size(min = 48, max = 48) List<Long> seeds,
                                        @ForAll @Size(min = 256, max = 256) List<@net.jqwik.api.From("word") Long> tables,
                                        @ForAll @Size(min = 6, max = 6) List<Long> iovas) {
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

    @Property(tries = 300)
    void randomCommandsAndRegistersNeverThrow(@ForAll @Size(max = 48) List<Long> words,
                                              @ForAll @Size(max = 24) List<@IntRange(min = 0, max = 0x2_0000) Integer> offsets,
                                              @ForAll @Size(max = 24) List<Long> values,
                                              @ForAll int idr0, @ForAll int idr1, @ForAll int idr3, @ForAll int idr5) {
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
