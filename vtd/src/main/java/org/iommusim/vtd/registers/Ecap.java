package org.iommusim.vtd.registers;

import java.util.LinkedHashMap;
import java.util.Map;

import org.iommusim.core.bits.Bits;

/**
 * The Extended Capability Register (ECAP_REG, offset 0x10), VT-d specification section 11.4.3 (bit
 * positions as in revision 5.10, which also names bits 50-62).
 *
 * @param value the raw 64-bit register
 */
public record Ecap(long value) {
    public static final int C = 0;
    public static final int QI = 1;
    public static final int DT = 2;
    public static final int IR = 3;
    public static final int EIM = 4;
    public static final int PT = 6;
    public static final int SC = 7;
    public static final int IRO_HI = 17, IRO_LO = 8;
    public static final int MHMV_HI = 23, MHMV_LO = 20;
    public static final int MTS = 25;
    public static final int NEST = 26;
    public static final int PRS = 29;
    public static final int ERS = 30;
    public static final int SRS = 31;
    public static final int NWFS = 33;
    public static final int EAFS = 34;
    public static final int PSS_HI = 39, PSS_LO = 35;
    public static final int PASID = 40;
    public static final int DIT = 41;
    public static final int PDS = 42;
    public static final int SMTS = 43;
    public static final int VCS = 44;
    public static final int SSADS = 45;
    public static final int SSTS = 46;
    public static final int FSTS = 47;
    public static final int SMPWCS = 48;
    public static final int RPS = 49;
    public static final int TDXCS = 50;
    public static final int PMS = 51;
    public static final int ADMS = 52;
    public static final int RPRIVS = 53;
    public static final int HPTS = 55;
    public static final int PTRS = 56;
    public static final int SSIRWS = 57;
    public static final int SMS = 58;
    public static final int HPT1GPS = 59;
    public static final int RDTS = 60;
    public static final int EIMER = 61;
    public static final int IRREQ = 62;

    public boolean has(int bit) {
        return Bits.bit(value, bit);
    }

    /** Byte offset of the IOTLB registers (IVA at +0, IOTLB at +8); the field counts 16-byte units. */
    public long iotlbRegisterOffset() {
        return Bits.field(value, IRO_HI, IRO_LO) * 16;
    }

    /** Supported PASID width in bits (PSS + 1). */
    public int pasidBits() {
        return (int) Bits.field(value, PSS_HI, PSS_LO) + 1;
    }

    public Map<String, Long> decode() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("ECAP.C", bit(C));
        m.put("ECAP.QI", bit(QI));
        m.put("ECAP.DT", bit(DT));
        m.put("ECAP.IR", bit(IR));
        m.put("ECAP.EIM", bit(EIM));
        m.put("ECAP.PT", bit(PT));
        m.put("ECAP.SC", bit(SC));
        m.put("ECAP.IRO", iotlbRegisterOffset());
        m.put("ECAP.MHMV", Bits.field(value, MHMV_HI, MHMV_LO));
        m.put("ECAP.MTS", bit(MTS));
        m.put("ECAP.NEST", bit(NEST));
        m.put("ECAP.PRS", bit(PRS));
        m.put("ECAP.ERS", bit(ERS));
        m.put("ECAP.SRS", bit(SRS));
        m.put("ECAP.NWFS", bit(NWFS));
        m.put("ECAP.EAFS", bit(EAFS));
        m.put("ECAP.PSS", Bits.field(value, PSS_HI, PSS_LO));
        m.put("ECAP.PASID", bit(PASID));
        m.put("ECAP.DIT", bit(DIT));
        m.put("ECAP.PDS", bit(PDS));
        m.put("ECAP.SMTS", bit(SMTS));
        m.put("ECAP.VCS", bit(VCS));
        m.put("ECAP.SSADS", bit(SSADS));
        m.put("ECAP.SSTS", bit(SSTS));
        m.put("ECAP.FSTS", bit(FSTS));
        m.put("ECAP.SMPWCS", bit(SMPWCS));
        m.put("ECAP.RPS", bit(RPS));
        m.put("ECAP.TDXCS", bit(TDXCS));
        m.put("ECAP.PMS", bit(PMS));
        m.put("ECAP.ADMS", bit(ADMS));
        m.put("ECAP.RPRIVS", bit(RPRIVS));
        m.put("ECAP.HPTS", bit(HPTS));
        m.put("ECAP.PTRS", bit(PTRS));
        m.put("ECAP.SSIRWS", bit(SSIRWS));
        m.put("ECAP.SMS", bit(SMS));
        m.put("ECAP.HPT1GPS", bit(HPT1GPS));
        m.put("ECAP.RDTS", bit(RDTS));
        m.put("ECAP.EIMER", bit(EIMER));
        m.put("ECAP.IRREQ", bit(IRREQ));
        return m;
    }

    private long bit(int b) {
        return Bits.bit(value, b) ? 1 : 0;
    }
}
