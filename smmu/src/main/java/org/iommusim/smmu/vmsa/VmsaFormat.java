package org.iommusim.smmu.vmsa;

import java.util.Optional;

import org.iommusim.core.walk.EntryKind;
import org.iommusim.core.walk.PageTableFormat;

/**
 * One VMSAv8-64 translation regime shape (Arm ARM D8.2-D8.3): a granule, a start level and the input
 * and output address sizes, for stage 1 or stage 2. Step 0 of a walk is the start level; the last step
 * is level 3.
 *
 * <p>Stage 1 derives the start level from TxSZ: the fewest levels that resolve {@code 64 - TxSZ} bits,
 * the start table holding the remainder. Stage 2 takes it from SL0 (VTCR_EL2.SL0; SMMUv3 STE.S2SL0) and
 * may concatenate up to 16 start-level tables; a T0SZ that SL0 cannot resolve is the Arm ARM's
 * inconsistent-SL0 case, which {@link #stage2} refuses.
 *
 * <p>Descriptors (D8.3): bit 0 valid; bits[1:0] = 11 a table (levels 0-2) or a page (level 3);
 * bits[1:0] = 01 a block where the granule allows one, otherwise not a valid descriptor. An output or
 * next-table address with bits at or above {@code outputBits} set makes the entry
 * {@link EntryKind#RESERVED}; {@link #addressSizeFault} tells that case (an Address size fault) from a
 * bad block or level-3 descriptor (a Translation fault). The 64 KiB granule's bits[15:12] are taken as
 * OA[51:48], so a nonzero value there is an address size fault when the output size is below 52 bits.
 *
 * @param stage       1 or 2
 * @param granule     the translation granule
 * @param startLevel  the level of the first table walked (0..3)
 * @param inputBits   the input address size, {@code 64 - TxSZ}
 * @param outputBits  the output address size (the PS/IPS value in force), at most 48 in this model
 */
public record VmsaFormat(int stage, Granule granule, int startLevel, int inputBits, int outputBits)
        implements PageTableFormat {
    /** Smallest TxSZ this model accepts: a 48-bit input address (no FEAT_LVA). */
    public static final int MIN_TSZ = 16;
    /** Largest TxSZ accepted: a 25-bit input address (no FEAT_TTST). */
    public static final int MAX_TSZ = 39;
    /** Largest output address size modelled (no FEAT_LPA/LPA2). */
    public static final int MAX_OUTPUT_BITS = 48;
    /** Stage 2 may concatenate up to 16 tables at its start level: 4 extra index bits. */
    public static final int MAX_CONCATENATION_BITS = 4;

    public VmsaFormat {
        if (stage != 1 && stage != 2) {
            throw new IllegalArgumentException("stage must be 1 or 2");
        }
        if (granule == null || startLevel < 0 || startLevel > Granule.FINAL_LEVEL) {
            throw new IllegalArgumentException("bad granule or start level");
        }
        int rootBits = inputBits - granule.levelShift(startLevel);
        int maxRoot = granule.stride() + (stage == 2 ? MAX_CONCATENATION_BITS : 0);
        if (rootBits < 1 || rootBits > maxRoot || inputBits > 64 - MIN_TSZ) {
            throw new IllegalArgumentException("input size " + inputBits + " cannot start at level " + startLevel);
        }
        if (outputBits < 32 || outputBits > MAX_OUTPUT_BITS) {
            throw new IllegalArgumentException("output size must be 32..48 bits: " + outputBits);
        }
    }

    /**
     * The stage-1 regime for {@code tsz} (TCR_ELx.TxSZ; SMMUv3 CD.T0SZ/T1SZ), or empty when TxSZ is
     * outside {@link #MIN_TSZ}..{@link #MAX_TSZ} or the output size is not supported.
     */
    public static Optional<VmsaFormat> stage1(Granule granule, long tsz, int outputBits) {
        if (granule == null || tsz < MIN_TSZ || tsz > MAX_TSZ || !outputSupported(outputBits)) {
            return Optional.empty();
        }
        int inputBits = 64 - (int) tsz;
        int levels = ceilDiv(inputBits - granule.pageShift(), granule.stride());
        return Optional.of(new VmsaFormat(1, granule, Granule.FINAL_LEVEL + 1 - levels, inputBits, outputBits));
    }

    /**
     * The stage-2 regime for {@code t0sz} and {@code sl0} (VTCR_EL2.T0SZ/SL0; SMMUv3 STE.S2T0SZ/S2SL0),
     * or empty when the encoding is reserved or inconsistent with T0SZ (more than 16 concatenated
     * tables would be needed, or the start level resolves no bit).
     */
    public static Optional<VmsaFormat> stage2(Granule granule, long t0sz, long sl0, int outputBits) {
        if (granule == null || t0sz < MIN_TSZ || t0sz > MAX_TSZ || !outputSupported(outputBits)) {
            return Optional.empty();
        }
        int startLevel = stage2StartLevel(granule, sl0);
        if (startLevel < 0) {
            return Optional.empty();
        }
        int inputBits = 64 - (int) t0sz;
        int rootBits = inputBits - granule.levelShift(startLevel);
        if (rootBits < 1 || rootBits > granule.stride() + MAX_CONCATENATION_BITS) {
            return Optional.empty();
        }
        return Optional.of(new VmsaFormat(2, granule, startLevel, inputBits, outputBits));
    }

    /**
     * The start level SL0 encodes for a granule (Arm ARM VTCR_EL2.SL0), or -1 when reserved:
     * 4 KiB 0 -> 2, 1 -> 1, 2 -> 0; 16 KiB and 64 KiB 0 -> 3, 1 -> 2, 2 -> 1 (16 KiB level 0 needs
     * 52-bit input addresses, not modelled).
     */
    public static int stage2StartLevel(Granule granule, long sl0) {
        if (sl0 < 0 || sl0 > 2) {
            return -1;
        }
        return granule == Granule.GRANULE_4K ? 2 - (int) sl0 : 3 - (int) sl0;
    }

    /** The SL0 value that starts a stage-2 walk at {@code level}, or -1 when none does. */
    public static int stage2Sl0(Granule granule, int level) {
        for (int sl0 = 0; sl0 <= 2; sl0++) {
            if (stage2StartLevel(granule, sl0) == level) {
                return sl0;
            }
        }
        return -1;
    }

    private static boolean outputSupported(int outputBits) {
        return outputBits >= 32 && outputBits <= MAX_OUTPUT_BITS;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    @Override
    public String name() {
        return "vmsav8-" + (granule.pageSize() >> 10) + "k-s" + stage + "-L" + startLevel + "-" + inputBits + "bit";
    }

    @Override
    public int levels() {
        return Granule.FINAL_LEVEL + 1 - startLevel;
    }

    @Override
    public int indexShift(int step) {
        return granule.levelShift(startLevel + step);
    }

    @Override
    public int indexBits(int step) {
        return step == 0 ? inputBits - indexShift(0) : granule.stride();
    }

    @Override
    public int level(int step) {
        return startLevel + step;
    }

    /** Number of concatenated tables at the start level (1 unless a stage-2 root is wider than a table). */
    public int concatenatedTables() {
        int extra = indexBits(0) - granule.stride();
        return extra <= 0 ? 1 : 1 << extra;
    }

    /** Bytes of the start-level table (all concatenated tables together); its base must be aligned to it. */
    public long rootTableSize() {
        return 8L << indexBits(0);
    }

    /** Whether {@code input} lies within the input address size (its bits at and above it are zero). */
    public boolean inputFits(long input) {
        return inputBits == 64 || (input >>> inputBits) == 0;
    }

    @Override
    public EntryKind classify(long entry, int step) {
        if ((entry & VmsaDescriptor.VALID) == 0) {
            return EntryKind.INVALID;
        }
        int level = level(step);
        boolean tableOrPage = (entry & VmsaDescriptor.TABLE_OR_PAGE) != 0;
        if (level == Granule.FINAL_LEVEL) {
            if (!tableOrPage) {
                return EntryKind.RESERVED;
            }
        } else if (!tableOrPage && !granule.blockAllowed(level)) {
            return EntryKind.RESERVED;
        }
        if (addressSizeFault(entry, step)) {
            return EntryKind.RESERVED;
        }
        return tableOrPage && level < Granule.FINAL_LEVEL ? EntryKind.TABLE : EntryKind.LEAF;
    }

    /**
     * True when a valid entry's next-table or output address has bits at or above {@link #outputBits}:
     * an Address size fault rather than a Translation fault.
     */
    public boolean addressSizeFault(long entry, int step) {
        if ((entry & VmsaDescriptor.VALID) == 0) {
            return false;
        }
        return (fullAddress(entry, granule.pageShift()) >>> outputBits) != 0;
    }

    @Override
    public long nextTable(long entry, int step) {
        return fullAddress(entry, granule.pageShift());
    }

    @Override
    public long outputAddress(long entry, int step) {
        return fullAddress(entry, indexShift(step));
    }

    /** The address bits of a descriptor from bit {@code lowBit} up, including the 64 KiB OA[51:48]. */
    private long fullAddress(long entry, int lowBit) {
        long address = entry & VmsaDescriptor.ADDRESS_MASK & -(1L << lowBit);
        if (granule == Granule.GRANULE_64K) {
            address |= ((entry >>> VmsaDescriptor.OA_HIGH_64K_SHIFT) & 0xF) << 48;
        } else {
            address |= entry & VmsaDescriptor.OA_HIGH_MASK;
        }
        return address;
    }
}
