package org.iommusim.smmu.v3.registers;

/**
 * SMMUv3 register offsets (IHI 0070 6.2, "Register overview"): page 0 at 0x00000, page 1 at 0x10000.
 * The event and PRI queue indices live in page 1; their page-0 aliases are not implemented (they read
 * as zero and ignore writes, which the specification allows).
 */
public final class RegisterOffsets {
    public static final int IDR0 = 0x000;
    public static final int IDR1 = 0x004;
    public static final int IDR2 = 0x008;
    public static final int IDR3 = 0x00C;
    public static final int IDR4 = 0x010;
    public static final int IDR5 = 0x014;
    public static final int IIDR = 0x018;
    public static final int AIDR = 0x01C;
    public static final int CR0 = 0x020;
    public static final int CR0ACK = 0x024;
    public static final int CR1 = 0x028;
    public static final int CR2 = 0x02C;
    public static final int STATUSR = 0x040;
    public static final int GBPA = 0x044;
    public static final int AGBPA = 0x048;
    public static final int IRQ_CTRL = 0x050;
    public static final int IRQ_CTRLACK = 0x054;
    public static final int GERROR = 0x060;
    public static final int GERRORN = 0x064;
    public static final int GERROR_IRQ_CFG0 = 0x068;
    public static final int GERROR_IRQ_CFG1 = 0x070;
    public static final int GERROR_IRQ_CFG2 = 0x074;
    public static final int STRTAB_BASE = 0x080;
    public static final int STRTAB_BASE_CFG = 0x088;
    public static final int CMDQ_BASE = 0x090;
    public static final int CMDQ_PROD = 0x098;
    public static final int CMDQ_CONS = 0x09C;
    public static final int EVENTQ_BASE = 0x0A0;
    public static final int EVENTQ_IRQ_CFG0 = 0x0B0;
    public static final int EVENTQ_IRQ_CFG1 = 0x0B8;
    public static final int EVENTQ_IRQ_CFG2 = 0x0BC;
    public static final int PRIQ_BASE = 0x0C0;
    public static final int PRIQ_IRQ_CFG0 = 0x0D0;
    public static final int PRIQ_IRQ_CFG1 = 0x0D8;
    public static final int PRIQ_IRQ_CFG2 = 0x0DC;
    /** Page 1. */
    public static final int EVENTQ_PROD = 0x100A8;
    public static final int EVENTQ_CONS = 0x100AC;
    public static final int PRIQ_PROD = 0x100C8;
    public static final int PRIQ_CONS = 0x100CC;

    /** Size of the register block: two 64 KiB pages. */
    public static final int BLOCK_SIZE = 0x20000;

    private RegisterOffsets() {
    }
}
