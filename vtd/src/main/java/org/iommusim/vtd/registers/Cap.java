package org.iommusim.vtd.registers;

import java.util.LinkedHashMap;
import java.util.Map;

import org.iommusim.core.bits.Bits;

/**
 * The Capability Register (CAP_REG, offset 0x08), VT-d specification section 11.4.2 (10.4.2 in older
 * revisions). Read-only to software; every behaviour of the model that depends on a capability asks
 * this record, so a model built with a real part's value behaves like that part.
 *
 * @param value the raw 64-bit register
 */
public record Cap(long value) {
    public static final int ND_HI = 2, ND_LO = 0;
    public static final int AFL = 3;
    public static final int RWBF = 4;
    public static final int PLMR = 5;
    public static final int PHMR = 6;
    public static final int CM = 7;
    public static final int SAGAW_HI = 12, SAGAW_LO = 8;
    public static final int MGAW_HI = 21, MGAW_LO = 16;
    public static final int ZLR = 22;
    public static final int FRO_HI = 33, FRO_LO = 24;
    public static final int SLLPS_HI = 37, SLLPS_LO = 34;
    public static final int PSI = 39;
    public static final int NFR_HI = 47, NFR_LO = 40;
    public static final int MAMV_HI = 53, MAMV_LO = 48;
    public static final int DWD = 54;
    public static final int DRD = 55;
    public static final int FL1GP = 56;
    public static final int PI = 59;
    public static final int FL5LP = 60;
    public static final int ECMDS = 61;
    public static final int ESIRTPS = 62;
    public static final int ESRTPS = 63;

    /** SAGAW bit for AW: bit 1 = 39-bit 3-level, bit 2 = 48-bit 4-level, bit 3 = 57-bit 5-level. */
    public boolean supportsAgaw(int aw) {
        return aw >= 0 && aw <= 4 && Bits.bit(sagaw(), aw);
    }

    public long sagaw() {
        return Bits.field(value, SAGAW_HI, SAGAW_LO);
    }

    /** Maximum guest address width in bits (the field holds width - 1). */
    public int mgaw() {
        return (int) Bits.field(value, MGAW_HI, MGAW_LO) + 1;
    }

    /** Byte offset of the first fault recording register (the field counts 16-byte units). */
    public long faultRecordingOffset() {
        return Bits.field(value, FRO_HI, FRO_LO) * 16;
    }

    /** Number of fault recording registers (the field holds the count - 1). */
    public int faultRecordCount() {
        return (int) Bits.field(value, NFR_HI, NFR_LO) + 1;
    }

    public boolean secondStage2MPages() {
        return Bits.bit(value, SLLPS_LO);
    }

    public boolean secondStage1GPages() {
        return Bits.bit(value, SLLPS_LO + 1);
    }

    public boolean pageSelectiveInvalidation() {
        return Bits.bit(value, PSI);
    }

    public int maxAddressMaskValue() {
        return (int) Bits.field(value, MAMV_HI, MAMV_LO);
    }

    public boolean firstStage1GPages() {
        return Bits.bit(value, FL1GP);
    }

    public boolean firstStage5Level() {
        return Bits.bit(value, FL5LP);
    }

    public boolean enhancedSrtp() {
        return Bits.bit(value, ESRTPS);
    }

    /** Width of the largest adjusted guest address width in SAGAW (30 + 9 * its AW), or 0 if none. */
    public int largestAgawWidth() {
        long sagaw = sagaw();
        return sagaw == 0 ? 0 : 30 + 9 * (63 - Long.numberOfLeadingZeros(sagaw));
    }

    /** Width of a domain-id: 4 + 2 * ND bits (higher DID bits in the structures are reserved). */
    public int domainIdBits() {
        return 4 + 2 * (int) Bits.field(value, ND_HI, ND_LO);
    }

    /** Every field by its specification name, in bit order. */
    public Map<String, Long> decode() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("CAP.ND", Bits.field(value, ND_HI, ND_LO));
        m.put("CAP.AFL", bit(AFL));
        m.put("CAP.RWBF", bit(RWBF));
        m.put("CAP.PLMR", bit(PLMR));
        m.put("CAP.PHMR", bit(PHMR));
        m.put("CAP.CM", bit(CM));
        m.put("CAP.SAGAW", sagaw());
        m.put("CAP.MGAW", (long) mgaw());
        m.put("CAP.ZLR", bit(ZLR));
        m.put("CAP.FRO", faultRecordingOffset());
        m.put("CAP.SLLPS", Bits.field(value, SLLPS_HI, SLLPS_LO));
        m.put("CAP.PSI", bit(PSI));
        m.put("CAP.NFR", (long) faultRecordCount());
        m.put("CAP.MAMV", (long) maxAddressMaskValue());
        m.put("CAP.DWD", bit(DWD));
        m.put("CAP.DRD", bit(DRD));
        m.put("CAP.FL1GP", bit(FL1GP));
        m.put("CAP.PI", bit(PI));
        m.put("CAP.FL5LP", bit(FL5LP));
        m.put("CAP.ECMDS", bit(ECMDS));
        m.put("CAP.ESIRTPS", bit(ESIRTPS));
        m.put("CAP.ESRTPS", bit(ESRTPS));
        return m;
    }

    private long bit(int b) {
        return Bits.bit(value, b) ? 1 : 0;
    }
}
