package org.iommusim.smmu.v3.command;

/** Command opcodes (IHI 0070 4.1.1, dw0[7:0]). */
public final class Opcode {
    public static final int PREFETCH_CONFIG = 0x01;
    public static final int PREFETCH_ADDR = 0x02;
    public static final int CFGI_STE = 0x03;
    /** CFGI_STE_RANGE; with Range = 31 it is CFGI_ALL. */
    public static final int CFGI_STE_RANGE = 0x04;
    public static final int CFGI_CD = 0x05;
    public static final int CFGI_CD_ALL = 0x06;
    public static final int TLBI_NH_ALL = 0x10;
    public static final int TLBI_NH_ASID = 0x11;
    public static final int TLBI_NH_VA = 0x12;
    public static final int TLBI_NH_VAA = 0x13;
    public static final int TLBI_EL2_ALL = 0x20;
    public static final int TLBI_EL2_ASID = 0x21;
    public static final int TLBI_EL2_VA = 0x22;
    public static final int TLBI_EL2_VAA = 0x23;
    public static final int TLBI_S12_VMALL = 0x28;
    public static final int TLBI_S2_IPA = 0x2A;
    public static final int TLBI_NSNH_ALL = 0x30;
    public static final int ATC_INV = 0x40;
    public static final int PRI_RESP = 0x41;
    public static final int RESUME = 0x44;
    public static final int STALL_TERM = 0x45;
    public static final int CMD_SYNC = 0x46;

    /** CFGI_STE_RANGE Range value that means every StreamID (CMD_CFGI_ALL). */
    public static final int RANGE_ALL = 31;

    private Opcode() {
    }
}
