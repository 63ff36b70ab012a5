package org.iommusim.smmu.v2.contextbank;

import org.iommusim.core.bits.Bits;

/**
 * CBARn (Arm IHI 0062 section 10.2.1): what kind of translation context bank n performs. TYPE[17:16]:
 * stage 2; stage 1 with stage 2 bypass; stage 1 with stage 2 fault; stage 1 followed by stage 2
 * (nested), in which case CBNDX[15:8] names the stage-2 context bank. VMID[7:0] tags the bank's TLB
 * entries unless sCR0.VMID16EN selects CBA2R.VMID16.
 */
public final class ContextBankAttribute {
    public static final int TYPE_S2_TRANS = 0;
    public static final int TYPE_S1_TRANS_S2_BYPASS = 1;
    public static final int TYPE_S1_TRANS_S2_FAULT = 2;
    public static final int TYPE_S1_TRANS_S2_TRANS = 3;

    private ContextBankAttribute() {
    }

    public static int type(int cbar) {
        return (int) Bits.field(cbar, 17, 16);
    }

    public static int vmid(int cbar) {
        return (int) Bits.field(cbar, 7, 0);
    }

    /** The stage-2 context bank of a nested (TYPE 3) bank. */
    public static int cbndx(int cbar) {
        return (int) Bits.field(cbar, 15, 8);
    }

    public static boolean hasStage1(int cbar) {
        return type(cbar) != TYPE_S2_TRANS;
    }

    public static int of(int type, int vmid, int s2cbndx) {
        return ((type & 3) << 16) | ((s2cbndx & 0xFF) << 8) | (vmid & 0xFF);
    }
}
