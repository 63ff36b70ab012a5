package org.iommusim.smmu.v2.registers;

/** sCR0, the global control register (Arm IHI 0062 section 9.6.3, SMMU_sCR0): its bits. */
public final class Scr0 {
    private Scr0() {
    }

    /** Client port disable: every client transaction bypasses translation. Resets to 1. */
    public static final int CLIENTPD = 1;
    /** Global fault report enable: a global fault aborts the client transaction. */
    public static final int GFRE = 1 << 1;
    public static final int GFIE = 1 << 2;
    public static final int EXIDENABLE = 1 << 3;
    public static final int GCFGFRE = 1 << 4;
    public static final int GCFGFIE = 1 << 5;
    /** Unidentified stream fault configuration: 1 = a stream no SMR matches raises USF; 0 = it bypasses. */
    public static final int USFCFG = 1 << 10;
    public static final int VMIDPNE = 1 << 11;
    public static final int PTM = 1 << 12;
    /** Stream match conflict fault configuration: 1 = several matching SMRs raise SMCF. */
    public static final int SMCFCFG = 1 << 21;
    /** 16-bit VMIDs: the VMID comes from CBA2R.VMID16 instead of CBAR.VMID. */
    public static final int VMID16EN = 1 << 31;

    /** The value after reset in this model: CLIENTPD set, everything else clear. */
    public static final int RESET = CLIENTPD;
}
