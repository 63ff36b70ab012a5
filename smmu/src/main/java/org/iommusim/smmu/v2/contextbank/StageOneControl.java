package org.iommusim.smmu.v2.contextbank;

import org.iommusim.core.bits.Bits;
import org.iommusim.core.walk.WalkResult;
import org.iommusim.smmu.vmsa.Granule;
import org.iommusim.smmu.vmsa.PhysicalAddressSize;
import org.iommusim.smmu.vmsa.VmsaFormat;

/**
 * The stage-1 translation controls of an AArch64 (CBA2R.VA64 = 1) context bank: TCR (Arm IHI 0062
 * section 16.5, SMMU_CBn_TCR, the TCR_EL1 layout: T0SZ[5:0], EPD0[7], TG0[15:14], T1SZ[21:16], A1[22], EPD1[23],
 * TG1[31:30]), SMMU_CBn_TCR2 (section 16.5: PASize[2:0], AS[4]) and SMMU_CBn_TTBR0/1 (section 16.5: ASID[63:48],
 * BADDR[47:x]). Chooses the TTBR for an input address and builds its {@link VmsaFormat}.
 *
 * @param format the table format, null when the selected region cannot be walked (EPDn set, TxSZ or
 *               granule unusable, or the address is in neither region): a translation fault
 * @param table  the start-level table's address, aligned to its size
 */
public record StageOneControl(VmsaFormat format, long table) {
    public static final int T0SZ_HI = 5;
    public static final int EPD0 = 7;
    public static final int TG0_HI = 15;
    public static final int TG0_LO = 14;
    public static final int T1SZ_HI = 21;
    public static final int T1SZ_LO = 16;
    public static final int A1 = 22;
    public static final int EPD1 = 23;
    public static final int TG1_HI = 31;
    public static final int TG1_LO = 30;
    public static final int TCR2_PASIZE_HI = 2;
    public static final int TCR2_AS = 4;

    /** TTBRn.BADDR: bits[47:1] (bit 0 is CnP), aligned down to the table size. */
    static final long BADDR_MASK = Bits.mask(47, 1);

    /** The result for an address no region can translate, or a region whose controls are unusable. */
    static final StageOneControl UNUSABLE = new StageOneControl(null, 0);

    /** The region {@code va} falls in under TCR's T0SZ/T1SZ: 0 (TTBR0), 1 (TTBR1) or -1 (neither). */
    static int region(int tcr, long va) {
        long t0sz = Bits.field(tcr, T0SZ_HI, 0);
        long t1sz = Bits.field(tcr, T1SZ_HI, T1SZ_LO);
        if (t0sz >= VmsaFormat.MIN_TSZ && (va >>> (64 - t0sz)) == 0) {
            return 0;
        }
        return t1sz >= VmsaFormat.MIN_TSZ && (~va >>> (64 - t1sz)) == 0 ? 1 : -1;
    }

    /**
     * The controls of one region (from {@link #region}): a function of TCR, TCR2 and that region's TTBR
     * only.
     *
     * @param granuleSupported IDR2.PTFSv8 bits: bit 0 4 KiB, bit 1 16 KiB, bit 2 64 KiB
     * @param ias              IDR2.IAS in bits: caps the output size
     */
    static StageOneControl decodeRegion(ContextBank bank, int region, int granuleSupported, int ias) {
        int tcr = bank.tcr();
        boolean region0 = region == 0;
        boolean epd = Bits.bit(tcr, region0 ? EPD0 : EPD1);
        Granule granule = region0 ? Granule.fromTg0(Bits.field(tcr, TG0_HI, TG0_LO))
                : Granule.fromTg1(Bits.field(tcr, TG1_HI, TG1_LO));
        if (epd || granule == null || !supported(granule, granuleSupported)) {
            return UNUSABLE;
        }
        int pa = PhysicalAddressSize.bits(Bits.field(bank.tcr2(), TCR2_PASIZE_HI, 0));
        int outputBits = Math.min(pa < 0 ? ias : Math.min(pa, ias), VmsaFormat.MAX_OUTPUT_BITS);
        long tsz = region0 ? Bits.field(tcr, T0SZ_HI, 0) : Bits.field(tcr, T1SZ_HI, T1SZ_LO);
        VmsaFormat format = VmsaFormat.stage1(granule, tsz, outputBits).orElse(null);
        if (format == null) {
            return UNUSABLE;
        }
        long ttbr = region0 ? bank.ttbr0() : bank.ttbr1();
        return new StageOneControl(format, ttbr & BADDR_MASK & -format.rootTableSize());
    }

    static boolean supported(Granule g, int granuleSupported) {
        switch (g) {
            case GRANULE_4K:
                return (granuleSupported & 1) != 0;
            case GRANULE_16K:
                return (granuleSupported & 2) != 0;
            default:
                return (granuleSupported & 4) != 0;
        }
    }

    /** A translation fault at the start of the walk, for a region that cannot be walked. */
    public static WalkResult unusable(int stage) {
        return new WalkResult(WalkResult.Status.INVALID, stage, 0, 0, 0, 0, 0, new long[1], new long[1]);
    }
}
