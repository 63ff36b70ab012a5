package org.iommusim.smmu.v3.properties;

import static org.iommusim.proptest.Props.gen;
import static org.iommusim.proptest.Props.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

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
import org.iommusim.smmu.v3.event.EventType;
import org.iommusim.smmu.v3.preset.Presets;
import org.iommusim.smmu.v3.registers.RegisterOffsets;
import org.iommusim.smmu.v3.ste.StreamTableEntry;
import org.junit.jupiter.api.Test;

/**
 * ATS Translated transactions (IHI 0070 3.9.1.3) against random stream tables: they never throw; with
 * CR0.ATSCHK=0 they pass untranslated (below the OAS) whatever the tables hold and record nothing; with
 * ATSCHK=1 an address only changes through Split-stage ATS (a valid nested STE with EATS=0b10), and
 * otherwise the outcome is the address itself, F_TRANSL_FORBIDDEN, or an abort with no event.
 */
class TranslatedTransactionProperties {
    private static final long STRTAB = 0x10_0000;
    private static final long EVQ = 0x20_0000;
    private static final long WINDOW = 0x40_0000;
    private static final int STREAMS = 8;

    private static SmmuV3 enabled(PhysicalMemory memory, boolean atsCheck) {
        SmmuV3 smmu = new SmmuV3(memory, Presets.DEFAULT);
        smmu.mmioWrite(RegisterOffsets.STRTAB_BASE, 8, STRTAB);
        smmu.mmioWrite(RegisterOffsets.STRTAB_BASE_CFG, 4, 3); // linear, LOG2SIZE=3
        smmu.mmioWrite(RegisterOffsets.EVENTQ_BASE, 8, EVQ | 4);
        smmu.mmioWrite(RegisterOffsets.CR0, 4, atsCheck ? 0x15 : 0x5); // SMMUEN | EVENTQEN [| ATSCHK]
        return smmu;
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

    /** {@code n} longs from anywhere. */
    static List<Long> anyLongs(RandomGenerator r, int n) {
        List<Long> longs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            longs.add(anyLong(r));
        }
        return longs;
    }

    private static void randomSteWords(PhysicalMemory memory, List<Long> steWords) {
        for (int i = 0; i < steWords.size(); i++) {
            long w = steWords.get(i);
            // keep pointers (context, stage-2 tables) inside a window of zeros so walks are cheap
            memory.write64(STRTAB + 8L * i, (i & 7) == 0 ? (w & 0xFFF) | WINDOW : w);
        }
    }

    /** Fails if a Translated transaction with CR0.ATSCHK=0 is checked against its STE. */
    @Test
    void fastModeIgnoresTheStreamTable() {
        qt(300).forAll(gen(r -> anyLongs(r, STREAMS * 8)), gen(r -> anyLongs(r, 4)), integers().between(-1, 0xFFFFF))
                .checkAssert(TranslatedTransactionProperties::fastModeIgnoresTheStreamTable);
    }

    private static void fastModeIgnoresTheStreamTable(List<Long> steWords, List<Long> addresses, int pasid) {
        PhysicalMemory memory = new PhysicalMemory(44);
        SmmuV3 smmu = enabled(memory, false);
        randomSteWords(memory, steWords);
        for (long address : addresses) {
            for (int sid = 0; sid < STREAMS * 2; sid++) {
                for (Access a : Access.values()) {
                    Translation t = smmu.translate(new TranslationRequest(sid, pasid, address, a, true, true));
                    if ((address >>> 48) == 0) {
                        assertTrue(t instanceof TranslationResult, t::toString);
                        assertEquals(address, ((TranslationResult) t).outputAddress(address));
                    } else {
                        assertEquals(0, ((Fault) t).code(), t::toString);
                    }
                }
            }
        }
        assertEquals(0, smmu.mmioRead(RegisterOffsets.EVENTQ_PROD, 4), "no event is recorded");
    }

    @Test
    void checkedModeOnlyAllowsBypassOrSplitStage() {
        qt(300).forAll(gen(r -> anyLongs(r, STREAMS * 8)), lists().of(integers().between(0, 0x3FFF_FFFF)).ofSize(4))
                .checkAssert(TranslatedTransactionProperties::checkedModeOnlyAllowsBypassOrSplitStage);
    }

    private static void checkedModeOnlyAllowsBypassOrSplitStage(List<Long> steWords, List<Integer> addresses) {
        PhysicalMemory memory = new PhysicalMemory(44);
        SmmuV3 smmu = enabled(memory, true);
        randomSteWords(memory, steWords);
        for (int address : addresses) {
            for (int sid = 0; sid < STREAMS; sid++) {
                StreamTableEntry ste = new StreamTableEntry(memory.read64(STRTAB + 64L * sid),
                        memory.read64(STRTAB + 64L * sid + 8), 0, 0);
                boolean split = ste.valid() && ste.config() == StreamTableEntry.CONFIG_NESTED
                        && ste.eats() == StreamTableEntry.EATS_SPLIT;
                for (Access a : Access.values()) {
                    Translation t = smmu.translate(new TranslationRequest(sid, -1, address, a, false, true));
                    if (t instanceof TranslationResult r) {
                        assertTrue(split || r.outputAddress(address) == address, t::toString);
                    } else if (!split) {
                        int code = ((Fault) t).code();
                        assertTrue(code == 0 || code == EventType.F_TRANSL_FORBIDDEN, t::toString);
                    }
                }
            }
        }
    }
}
