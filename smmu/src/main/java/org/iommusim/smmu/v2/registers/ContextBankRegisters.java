package org.iommusim.smmu.v2.registers;

/**
 * Offsets inside one context bank's page, Arm IHI 0062 section 16.1 (stage-1 format) and section 17.2
 * (stage-2 format).
 */
public final class ContextBankRegisters {
    private ContextBankRegisters() {
    }

    public static final int SCTLR = 0x000;
    public static final int ACTLR = 0x004;
    public static final int TCR2 = 0x010;
    public static final int TTBR0 = 0x020;
    public static final int TTBR1 = 0x028;
    public static final int TCR = 0x030;
    public static final int CONTEXTIDR = 0x034;
    public static final int MAIR0 = 0x038;
    public static final int MAIR1 = 0x03C;
    public static final int FSR = 0x058;
    public static final int FSRRESTORE = 0x05C;
    public static final int FAR = 0x060;
    public static final int FSYNR0 = 0x068;
    public static final int FSYNR1 = 0x06C;
    /** Stage-2 format only: the IPA of a stage-2 fault. */
    public static final int IPAFAR = 0x070;
    public static final int TLBIVA = 0x600;
    public static final int TLBIVAA = 0x608;
    public static final int TLBIASID = 0x610;
    public static final int TLBIALL = 0x618;
    public static final int TLBIVAL = 0x620;
    public static final int TLBIVAAL = 0x628;
    public static final int TLBIIPAS2 = 0x630;
    public static final int TLBIIPAS2L = 0x638;
    public static final int TLBSYNC = 0x7F0;
    public static final int TLBSTATUS = 0x7F4;

    /** TLBSTATUS.SACTIVE: a context bank TLB sync is in progress. */
    public static final int SACTIVE = 1;
}
