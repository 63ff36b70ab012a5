package org.iommusim.smmu.v2.contextbank;

import static org.iommusim.proptest.Props.gen;
import static org.iommusim.proptest.Props.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import org.iommusim.smmu.v2.registers.ContextBankRegisters;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * A context bank's decoded controls ({@link ContextBank#stage1Control}, {@link ContextBank#stage2Control})
 * are kept between translations: whatever registers a driver writes in between, each must equal a
 * fresh decode of the registers as they are now, for the bank's ID values.
 */
class DecodedControlProperties {
    private static final int[] OFFSETS = {ContextBankRegisters.TCR, ContextBankRegisters.TCR2,
            ContextBankRegisters.TTBR0, ContextBankRegisters.TTBR0 + 4, ContextBankRegisters.TTBR1,
            ContextBankRegisters.TTBR1 + 4, ContextBankRegisters.SCTLR, ContextBankRegisters.MAIR0};

    /** A register write (which of {@link #OFFSETS}, the value), then a translation's decode at {@code va}. */
    record Step(int offset, int value, long va) {
    }

    /** Fails if a TCR2 write leaves the decoded controls in place. */
    @Test
    void keptControlsEqualAFreshDecode() {
        qt(200).forAll(gen(DecodedControlProperties::steps), integers().between(0, 7), addressBits(), addressBits())
                .checkAssert(DecodedControlProperties::keptControlsEqualAFreshDecode);
    }

    private static void keptControlsEqualAFreshDecode(List<Step> steps, int granules, int ias, int oas) {
        ContextBank bank = new ContextBank(0, granules, ias, oas);
        for (Step step : steps) {
            // a write, then a translation's decode at some address
            bank.write32(OFFSETS[step.offset()], step.value());
            long va = step.va();
            int region = StageOneControl.region(bank.tcr(), va);
            StageOneControl fresh = region < 0 ? StageOneControl.UNUSABLE
                    : StageOneControl.decodeRegion(bank, region, granules, ias);
            assertEquals(fresh, bank.stage1Control(va));
            assertEquals(StageTwoControl.decode(bank, granules, oas), bank.stage2Control());
        }
    }

    /** Up to 24 steps: a write to any of the registers, then a decode at some address. */
    static List<Step> steps(RandomGenerator r) {
        int n = r.nextInt(0, 25);
        List<Step> steps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            steps.add(new Step(r.nextInt(0, OFFSETS.length), value(r), va(r)));
        }
        return steps;
    }

    /**
     * Register values from anywhere, and TCR-like values: T0SZ, SL0, TG0 and PS of the stage-2 layout over
     * T1SZ of the stage-1 layout (PS and T1SZ overlap; either reading is exercised).
     */
    static int value(RandomGenerator r) {
        if (r.nextBoolean()) {
            return anyInt(r);
        }
        int tsz = r.nextInt(16, 40);
        int sl0 = r.nextInt(0, 4);
        int tg = r.nextInt(0, 4);
        int ps = r.nextInt(0, 6);
        return tsz | sl0 << StageTwoControl.SL0_LO | tg << StageTwoControl.TG0_LO | ps << StageTwoControl.PS_LO
                | tsz << StageOneControl.T1SZ_LO;
    }

    /** Addresses in the low region, the high region, or neither. */
    static long va(RandomGenerator r) {
        return switch (r.nextInt(0, 3)) {
            case 0 -> anyLong(r);
            case 1 -> r.nextLong(0, 1L << 39);
            default -> ~r.nextLong(0, 1L << 39);
        };
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

    /** The address sizes a bank's ID values allow. */
    static Gen<Integer> addressBits() {
        return arbitrary().pick(List.of(32, 36, 40, 42, 44, 48, 52));
    }
}
