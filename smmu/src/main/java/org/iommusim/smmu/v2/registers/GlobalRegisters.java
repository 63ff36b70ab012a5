package org.iommusim.smmu.v2.registers;

/**
 * Offsets of the global register space: Arm IHI 0062 section 9.1 (GR0, page 0) and section 10.1
 * (GR1, page 1).
 * GR0 offsets are relative to the SMMU base; GR1 offsets to the start of page 1.
 */
public final class GlobalRegisters {
    private GlobalRegisters() {
    }

    // ---- GR0 (IHI 0062 Table 9-1) ----
    public static final int SCR0 = 0x000;
    public static final int SCR2 = 0x008;
    public static final int SACR = 0x010;
    public static final int IDR0 = 0x020;
    public static final int IDR1 = 0x024;
    public static final int IDR2 = 0x028;
    public static final int IDR7 = 0x03C;
    public static final int SGFAR = 0x040;
    public static final int SGFSR = 0x048;
    public static final int SGFSRRESTORE = 0x04C;
    public static final int SGFSYNR0 = 0x050;
    public static final int SGFSYNR1 = 0x054;
    public static final int SGFSYNR2 = 0x058;
    public static final int TLBIVMID = 0x064;
    public static final int TLBIALLNSNH = 0x068;
    public static final int TLBIALLH = 0x06C;
    public static final int STLBGSYNC = 0x070;
    public static final int STLBGSTATUS = 0x074;
    public static final int TLBIVMIDS1 = 0x0B8;
    /** SMR(n) at SMR + 4n, n = 0..127. */
    public static final int SMR = 0x800;
    /** S2CR(n) at S2CR + 4n, n = 0..127. */
    public static final int S2CR = 0xC00;
    public static final int MAX_MAPPING_GROUPS = 128;

    /** sTLBGSTATUS.GSACTIVE: a global TLB sync is in progress. */
    public static final int GSACTIVE = 1;

    // ---- GR1 (IHI 0062 Table 10-1) ----
    /** CBAR(n) at CBAR + 4n. */
    public static final int CBAR = 0x000;
    /** CBFRSYNRA(n) at CBFRSYNRA + 4n. */
    public static final int CBFRSYNRA = 0x400;
    /** CBA2R(n) at CBA2R + 4n. */
    public static final int CBA2R = 0x800;
    public static final int MAX_CONTEXT_BANKS = 128;
}
