package org.iommusim.smmu.v2.contextbank;

/** SCTLR, the context bank system control register (Arm IHI 0062 sections 16.5 and 17.3, SMMU_CBn_SCTLR): its bits. */
public final class SystemControl {
    private SystemControl() {
    }

    /** MMU enable: translation on; with M = 0 the bank passes addresses through untranslated. */
    public static final int M = 1;
    public static final int TRE = 1 << 1;
    public static final int AFE = 1 << 2;
    /** Access flag fault disable: a leaf with AF = 0 is used as if AF were 1. */
    public static final int AFFD = 1 << 3;
    /** Context fault report enable: a context fault aborts the client transaction. */
    public static final int CFRE = 1 << 5;
    public static final int CFIE = 1 << 6;
    /** Hit under previous context fault: 0 = terminate transactions while a fault is outstanding. */
    public static final int HUPCF = 1 << 8;
    /** Write implies execute-never (stage 1). */
    public static final int WXN = 1 << 9;
    /** Unprivileged write implies privileged execute-never (stage 1). */
    public static final int UWXN = 1 << 10;
    public static final int ASIDPNE = 1 << 12;
}
