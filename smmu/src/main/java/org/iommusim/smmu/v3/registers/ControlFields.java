package org.iommusim.smmu.v3.registers;

/**
 * Bit fields of the SMMUv3 control and status registers (IHI 0070 6.3.9-6.3.28).
 */
public final class ControlFields {
    // CR0 / CR0ACK (6.3.9, 6.3.10)
    public static final int CR0_SMMUEN = 1;
    public static final int CR0_PRIQEN = 1 << 1;
    public static final int CR0_EVENTQEN = 1 << 2;
    public static final int CR0_CMDQEN = 1 << 3;
    public static final int CR0_ATSCHK = 1 << 4;
    /** VMW[8:6]. */
    public static final int CR0_VMW = 7 << 6;
    /** Writable CR0 bits; the rest are RES0. */
    public static final int CR0_MASK = CR0_SMMUEN | CR0_PRIQEN | CR0_EVENTQEN | CR0_CMDQEN | CR0_ATSCHK | CR0_VMW;

    // CR2 (6.3.12)
    public static final int CR2_E2H = 1;
    public static final int CR2_RECINVSID = 1 << 1;
    public static final int CR2_PTM = 1 << 2;
    public static final int CR2_MASK = CR2_E2H | CR2_RECINVSID | CR2_PTM;

    // GBPA (6.3.14)
    public static final int GBPA_ABORT = 1 << 20;
    public static final int GBPA_UPDATE = 1 << 31;
    /** MemAttr, MTCFG, ALLOCCFG, SHCFG, PRIVCFG, INSTCFG, ABORT. */
    public static final int GBPA_FIELDS = 0x1F | (0xF << 8) | (3 << 12) | (3 << 16) | (3 << 18) | GBPA_ABORT;

    // IRQ_CTRL (6.3.17)
    public static final int IRQ_GERROR_IRQEN = 1;
    public static final int IRQ_PRIQ_IRQEN = 1 << 1;
    public static final int IRQ_EVENTQ_IRQEN = 1 << 2;
    public static final int IRQ_CTRL_MASK = 7;

    // GERROR / GERRORN (6.3.19, 6.3.20)
    public static final int GERROR_CMDQ_ERR = 1;
    public static final int GERROR_EVENTQ_ABT_ERR = 1 << 2;
    public static final int GERROR_PRIQ_ABT_ERR = 1 << 3;
    public static final int GERROR_MSI_CMDQ_ABT_ERR = 1 << 4;
    public static final int GERROR_MSI_EVENTQ_ABT_ERR = 1 << 5;
    public static final int GERROR_MSI_PRIQ_ABT_ERR = 1 << 6;
    public static final int GERROR_MSI_GERROR_ABT_ERR = 1 << 7;
    public static final int GERROR_SFM_ERR = 1 << 8;
    public static final int GERROR_MASK = 0x1FD;

    // *_IRQ_CFG0: ADDR[55:2]
    public static final long IRQ_CFG0_ADDR_MASK = 0x00FF_FFFF_FFFF_FFFCL;

    // STRTAB_BASE (6.3.24): ADDR[55:6], RA[62]
    public static final long STRTAB_BASE_ADDR_MASK = 0x00FF_FFFF_FFFF_FFC0L;
    public static final long STRTAB_BASE_RA = 1L << 62;
    // STRTAB_BASE_CFG (6.3.25): LOG2SIZE[5:0], SPLIT[10:6], FMT[17:16]
    public static final int STRTAB_CFG_MASK = 0x3F | (0x1F << 6) | (3 << 16);

    // CMDQ_BASE / EVENTQ_BASE / PRIQ_BASE (6.3.26): LOG2SIZE[4:0], ADDR[55:5], RA/WA[62]
    public static final long QUEUE_BASE_ADDR_MASK = 0x00FF_FFFF_FFFF_FFE0L;
    public static final long QUEUE_BASE_MASK = QUEUE_BASE_ADDR_MASK | 0x1F | (1L << 62);

    // CMDQ_CONS (6.3.28): ERR[30:24]
    public static final int CMDQ_CONS_ERR_SHIFT = 24;
    public static final int CMDQ_CONS_ERR_MASK = 0x7F << CMDQ_CONS_ERR_SHIFT;
    // EVENTQ_PROD.OVFLG / EVENTQ_CONS.OVACKFLG: bit 31
    public static final int QUEUE_OVERFLOW = 1 << 31;
    /** WR/RD[19:0]: index and wrap bit. */
    public static final int QUEUE_POINTER_MASK = 0xF_FFFF;

    private ControlFields() {
    }
}
