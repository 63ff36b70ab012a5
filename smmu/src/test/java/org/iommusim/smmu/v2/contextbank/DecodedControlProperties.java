package org.iommusim.smmu.v2.contextbank;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.iommusim.smmu.v2.registers.ContextBankRegisters;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple3;

/**
 * A context bank's decoded controls ({@link ContextBank#stage1Control}, {@link ContextBank#stage2Control})
 * are kept between translations: whatever registers a driver writes in between, each must equal a
 * fresh decode of the registers as they are now, for the bank's ID values.
 */
class DecodedControlProperties {
    private static final int[] OFFSETS = {ContextBankRegisters.TCR, ContextBankRegisters.TCR2,
            ContextBankRegisters.TTBR0, ContextBankRegisters.TTBR0 + 4, ContextBankRegisters.TTBR1,
            ContextBankRegisters.TTBR1 + 4, ContextBankRegisters.SCTLR, ContextBankRegisters.MAIR0};

    @Property
    void keptControlsEqualAFreshDecode(@ForAll("steps") List<Tuple3<Integer, Integer, Long>> steps,
                                       @ForAll("granules") int granules, @ForAll("addressBits") int ias,
                                       @ForAll("addressBits") int oas) {
        ContextBank bank = new ContextBank(0, granules, ias, oas);
        for (Tuple3<Integer, Integer, Long> step : steps) {
            // a write, then a translation's decode at some address
            bank.write32(OFFSETS[step.get1()], step.get2());
            long va = step.get3();
            int region = StageOneControl.region(bank.tcr(), va);
            StageOneControl fresh = region < 0 ? StageOneControl.UNUSABLE
                    : StageOneControl.decodeRegion(bank, region, granules, ias);
            assertEquals(fresh, bank.stage1Control(va));
            assertEquals(StageTwoControl.decode(bank, granules, oas), bank.stage2Control());
        }
    }

    @Provide
    Arbitrary<List<Tuple3<Integer, Integer, Long>>> steps() {
        Arbitrary<Integer> offset = Arbitraries.integers().between(0, OFFSETS.length - 1);
        // register values from anywhere, and TCR-like values: T0SZ, SL0, TG0 and PS of the stage-2 layout
        // over T1SZ of the stage-1 layout (PS and T1SZ overlap; either reading is exercised)
        Arbitrary<Integer> value = Arbitraries.oneOf(Arbitraries.integers(),
                Combinators.combine(Arbitraries.integers().between(16, 39), Arbitraries.integers().between(0, 3),
                        Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 5))
                        .as((tsz, sl0, tg, ps) -> tsz | sl0 << StageTwoControl.SL0_LO | tg << StageTwoControl.TG0_LO
                                | ps << StageTwoControl.PS_LO | tsz << StageOneControl.T1SZ_LO));
        // addresses in the low region, the high region, or neither
        Arbitrary<Long> va = Arbitraries.oneOf(Arbitraries.longs(),
                Arbitraries.longs().between(0, (1L << 39) - 1),
                Arbitraries.longs().between(0, (1L << 39) - 1).map(x -> ~x));
        return Combinators.combine(offset, value, va).as(Tuple::of).list().ofMaxSize(24);
    }

    @Provide
    Arbitrary<Integer> granules() {
        return Arbitraries.integers().between(0, 7);
    }

    @Provide
    Arbitrary<Integer> addressBits() {
        return Arbitraries.of(32, 36, 40, 42, 44, 48, 52);
    }
}
