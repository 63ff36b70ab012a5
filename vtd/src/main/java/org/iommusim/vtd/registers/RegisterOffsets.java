package org.iommusim.vtd.registers;

/**
 * Offsets of the remapping-unit registers in the MMIO block, VT-d specification section 11.4 (register
 * map in 11.4.1). The IOTLB registers and the fault recording registers have no fixed offset: they sit
 * at ECAP.IRO and CAP.FRO.
 */
public final class RegisterOffsets {
    public static final int VER = 0x000;
    public static final int CAP = 0x008;
    public static final int ECAP = 0x010;
    public static final int GCMD = 0x018;
    public static final int GSTS = 0x01C;
    public static final int RTADDR = 0x020;
    public static final int CCMD = 0x028;
    public static final int FSTS = 0x034;
    public static final int FECTL = 0x038;
    public static final int FEDATA = 0x03C;
    public static final int FEADDR = 0x040;
    public static final int FEUADDR = 0x044;
    public static final int IQH = 0x080;
    public static final int IQT = 0x088;
    public static final int IQA = 0x090;
    public static final int ICS = 0x09C;
    public static final int IECTL = 0x0A0;
    public static final int IEDATA = 0x0A4;
    public static final int IEADDR = 0x0A8;
    public static final int IEUADDR = 0x0AC;
    public static final int IQER = 0x0B0;
    /** IVA_REG relative to ECAP.IRO. */
    public static final int IVA_FROM_IRO = 0x0;
    /** IOTLB_REG relative to ECAP.IRO. */
    public static final int IOTLB_FROM_IRO = 0x8;
    /** Each fault recording register is 128 bits. */
    public static final int FRCD_SIZE = 16;

    private RegisterOffsets() {
    }
}
