package org.iommusim.smmu.v3.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

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

    private static void randomSteWords(PhysicalMemory memory, List<Long> steWords) {
        for (int i = 0; i < steWords.size(); i++) {
            long w = steWords.get(i);
            // keep pointers (context, stage-2 tables) inside a window of zeros so walks are cheap
            memory.write64(STRTAB + 8L * i, (i & 7) == 0 ? (w & 0xFFF) | WINDOW : w);
        }
    }

    @Property(tries = 300)
    void fastModeIgnoresTheStreamTable(@ForAll @Size(min = STREAMS * 8, max = STREAMS * 8) List<Long> steWords,
                                       @ForAll @Size(min = 4, max = 4) List<Long> addresses,
                                       @ForAll @IntRange(min = -1, max = 0xFFFFF) int pasid) {
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

    @Property(tries = 300)
    void checkedModeOnlyAllowsBypassOrSplitStage(
            @ForAll @Size(min = STREAMS * 8, max = STREAMS * 8) List<Long> steWords,
            @ForAll @Size(min = 4, max = 4) List<@IntRange(min = 0, max = 0x3FFF_FFFF) Integer> addresses) {
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
