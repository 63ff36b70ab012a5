package org.iommusim.smmu.v2.fault;

/**
 * FSR, the context bank fault status register (Arm IHI 0062 section 16.5.9, SMMU_CBn_FSR). Write-one-to-clear,
 * except SS and Format, which writes do not change.
 */
public final class FaultStatus {
    private FaultStatus() {
    }

    public static final int TF = 1 << 1;
    public static final int AFF = 1 << 2;
    public static final int PF = 1 << 3;
    public static final int EF = 1 << 4;
    public static final int TLBMCF = 1 << 5;
    public static final int TLBLKF = 1 << 6;
    public static final int ASF = 1 << 7;
    public static final int UUT = 1 << 8;
    /** Format[10:9]: the descriptor format of the recorded fault; 2 = AArch64. */
    public static final int FORMAT_SHIFT = 9;
    public static final int FORMAT_MASK = 3 << FORMAT_SHIFT;
    public static final int FORMAT_AARCH64 = 2;
    public static final int SS = 1 << 30;
    public static final int MULTI = 1 << 31;

    /** Every bit that says a fault is outstanding. */
    public static final int FAULT = MULTI | SS | UUT | ASF | TLBLKF | TLBMCF | EF | PF | AFF | TF;
    /** The bits a write of one clears. */
    public static final int W1C = FAULT & ~SS;
}
