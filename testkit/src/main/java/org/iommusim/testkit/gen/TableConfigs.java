package org.iommusim.testkit.gen;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

import org.iommusim.smmu.vmsa.Granule;
import org.iommusim.smmu.vmsa.VmsaFormat;

/**
 * Page-table configurations as plain functions of a {@link RandomGenerator}, and the mapping shape each
 * one can hold: VT-d first stage (4 or 5 levels, 48/57-bit input; VT-d 3.6) and second stage (3, 4 or 5
 * levels: AGAW 39/48/57; VT-d 3.7); VMSAv8-64 stage 1 and stage 2 (every granule, TxSZ 16..39, the start
 * level it implies, stage-2 SL0 with concatenated start tables; Arm ARM D8, as SMMUv3 and SMMUv2 use it).
 */
public final class TableConfigs {
    private static final int[] OUTPUT_BITS = {32, 36, 40, 42, 44, 48};

    private TableConfigs() {
    }

    /** VT-d first-stage levels: 4 or 5. */
    public static int vtdFirstStageLevels(RandomGenerator r) {
        return r.nextInt(4, 6);
    }

    /** VT-d second-stage levels: 3, 4 or 5. */
    public static int vtdSecondStageLevels(RandomGenerator r) {
        return r.nextInt(3, 6);
    }

    /** What a VT-d table of {@code levels} maps: 12 + 9 x levels input bits, 4 KiB, 2 MiB and 1 GiB pages. */
    public static MappingShape vtdShape(int levels, long outputBase, int outputBits, int maxMappings) {
        return new MappingShape(12 + 9 * levels, outputBase, outputBits, MappingShape.VTD_PAGES, maxMappings,
                MappingShape.READ_WRITE_SETS);
    }

    /** A valid VMSAv8-64 stage-1 regime: granule, TxSZ (and so the start level), output size. */
    public static VmsaFormat vmsaStage1(RandomGenerator r) {
        while (true) {
            Granule g = Granule.values()[r.nextInt(Granule.values().length)];
            Optional<VmsaFormat> f = VmsaFormat.stage1(g, r.nextInt(VmsaFormat.MIN_TSZ, VmsaFormat.MAX_TSZ + 1),
                    OUTPUT_BITS[r.nextInt(OUTPUT_BITS.length)]);
            if (f.isPresent()) {
                return f.get();
            }
        }
    }

    /** A valid VMSAv8-64 stage-2 regime: granule, T0SZ, SL0 (start level, with concatenation where it needs it). */
    public static VmsaFormat vmsaStage2(RandomGenerator r) {
        while (true) {
            Granule g = Granule.values()[r.nextInt(Granule.values().length)];
            Optional<VmsaFormat> f = VmsaFormat.stage2(g, r.nextInt(VmsaFormat.MIN_TSZ, VmsaFormat.MAX_TSZ + 1),
                    r.nextInt(0, 3), OUTPUT_BITS[r.nextInt(OUTPUT_BITS.length)]);
            if (f.isPresent()) {
                return f.get();
            }
        }
    }

    /**
     * What a VMSAv8-64 regime maps: its input size, outputs anywhere below its output size, its granule's
     * pages and the blocks the granule allows at the levels the walk has.
     */
    public static MappingShape vmsaShape(VmsaFormat f, int maxMappings) {
        List<Long> sizes = new ArrayList<>();
        Granule g = f.granule();
        for (int level = Math.max(f.startLevel(), 1); level <= Granule.FINAL_LEVEL; level++) {
            int shift = g.levelShift(level);
            if ((level == Granule.FINAL_LEVEL || g.blockAllowed(level)) && shift < Math.min(f.inputBits(), f.outputBits())) {
                sizes.add(1L << shift);
            }
        }
        return new MappingShape(f.inputBits(), 0, f.outputBits(), sizes, maxMappings, MappingShape.READ_WRITE_SETS);
    }
}
