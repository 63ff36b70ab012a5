package org.iommusim.smmu.v2.contextbank;

import org.iommusim.core.bits.Bits;
import org.iommusim.smmu.vmsa.Granule;
import org.iommusim.smmu.vmsa.PhysicalAddressSize;
import org.iommusim.smmu.vmsa.VmsaFormat;

/**
 * The stage-2 translation controls of an AArch64 context bank: TCR in the VTCR layout (Arm IHI 0062
 * section 17.3, SMMU_CBn_TCR: T0SZ[5:0], SL0[7:6], TG0[15:14], PS[18:16]; bit 31 is ignored, since Linux sets it)
 * and TTBR0 (section 17.3: BADDR[47:x]).
 *
 * @param format the table format, null when T0SZ/SL0/TG0/PS are reserved or inconsistent (a
 *               translation fault)
 * @param table  the start-level table's address, aligned to its size (concatenated tables included)
 */
public record StageTwoControl(VmsaFormat format, long table) {
    public static final int T0SZ_HI = 5;
    public static final int SL0_HI = 7;
    public static final int SL0_LO = 6;
    public static final int TG0_HI = 15;
    public static final int TG0_LO = 14;
    public static final int PS_HI = 18;
    public static final int PS_LO = 16;

    /** The result for unusable controls. */
    static final StageTwoControl UNUSABLE = new StageTwoControl(null, 0);

    /**
     * @param granuleSupported IDR2.PTFSv8 bits: bit 0 4 KiB, bit 1 16 KiB, bit 2 64 KiB
     * @param oas              IDR2.OAS in bits: caps the output size
     */
    public static StageTwoControl decode(ContextBank bank, int granuleSupported, int oas) {
        int tcr = bank.tcr();
        Granule granule = Granule.fromTg0(Bits.field(tcr, TG0_HI, TG0_LO));
        if (granule == null || !StageOneControl.supported(granule, granuleSupported)) {
            return UNUSABLE;
        }
        int ps = PhysicalAddressSize.bits(Bits.field(tcr, PS_HI, PS_LO));
        int outputBits = Math.min(ps < 0 ? oas : Math.min(ps, oas), VmsaFormat.MAX_OUTPUT_BITS);
        VmsaFormat format = VmsaFormat.stage2(granule, Bits.field(tcr, T0SZ_HI, 0), Bits.field(tcr, SL0_HI, SL0_LO),
                outputBits).orElse(null);
        if (format == null) {
            return UNUSABLE;
        }
        return new StageTwoControl(format, bank.ttbr0() & StageOneControl.BADDR_MASK & -format.rootTableSize());
    }
}
