package org.iommusim.vtd.context;

import org.iommusim.core.bits.Bits;
import org.iommusim.vtd.registers.Ecap;

/**
 * A scalable-mode context entry (256 bits; 128 per context table, indexed by devfn[6:0]), VT-d
 * specification section 9.4. A field for a feature the unit does not report (DTE without ECAP.DT,
 * PASIDE without ECAP.PASID, PRE without ECAP.PRS, RID_PASID without ECAP.RPS, RID_PRIV without
 * ECAP.RPRIVS, HPTE, EPTR) is reserved.
 *
 * @param w0 bits 63:0 (P, FPD, DTE, PASIDE, PRE, PDTS, PASIDDIRPTR)
 * @param w1 bits 127:64 (RID_PASID, RID_PRIV)
 * @param w2 bits 191:128 (reserved)
 * @param w3 bits 255:192 (reserved)
 */
public record ScalableContextEntry(long w0, long w1, long w2, long w3) {
    public static final int SIZE = 32;
    public static final int P = 0;
    public static final int FPD = 1;
    public static final int DTE = 2;
    public static final int PASIDE = 3;
    public static final int PRE = 4;
    public static final int HPTE = 5;
    public static final int EPTR = 6;
    public static final int RSVD0_HI = 8, RSVD0_LO = 7;
    public static final int PDTS_HI = 11, PDTS_LO = 9;
    public static final int PASIDDIRPTR_HI = 63, PASIDDIRPTR_LO = 12;
    public static final int RID_PASID_HI = 19, RID_PASID_LO = 0;
    public static final int RID_PRIV = 20;
    public static final int RSVD1_HI = 63, RSVD1_LO = 21;

    public boolean present() {
        return Bits.bit(w0, P);
    }

    public boolean faultProcessingDisable() {
        return Bits.bit(w0, FPD);
    }

    public boolean deviceTlbEnable() {
        return Bits.bit(w0, DTE);
    }

    public boolean pasidEnable() {
        return Bits.bit(w0, PASIDE);
    }

    public boolean pageRequestEnable() {
        return Bits.bit(w0, PRE);
    }

    /** Entries in the PASID directory: 2^(PDTS + 7). */
    public int pasidDirectoryEntries() {
        return 1 << (Bits.field(w0, PDTS_HI, PDTS_LO) + 7);
    }

    public long pasidDirectoryPointer() {
        return Bits.extract(w0, PASIDDIRPTR_HI, PASIDDIRPTR_LO);
    }

    /** The PASID requests without a PASID are translated with. */
    public int ridPasid() {
        return (int) Bits.field(w1, RID_PASID_HI, RID_PASID_LO);
    }

    /** Requests without a PASID are treated as supervisor requests when set. */
    public boolean ridPriv() {
        return Bits.bit(w1, RID_PRIV);
    }

    public boolean reservedBitsSet(int hostAddressWidth, Ecap ecap) {
        return Bits.field(w0, RSVD0_HI, RSVD0_LO) != 0
                || (Bits.bit(w0, HPTE) && !ecap.has(Ecap.HPTS))
                || (Bits.bit(w0, EPTR) && !ecap.has(Ecap.PTRS))
                || (pageRequestEnable() && !ecap.has(Ecap.PRS))
                || (pasidEnable() && !ecap.has(Ecap.PASID))
                || (deviceTlbEnable() && !ecap.has(Ecap.DT))
                || (hostAddressWidth < 64 && (w0 >>> hostAddressWidth) != 0)
                || Bits.field(w1, RSVD1_HI, RSVD1_LO) != 0
                || (ridPasid() != 0 && !ecap.has(Ecap.RPS))
                || (ridPriv() && !ecap.has(Ecap.RPRIVS))
                || w2 != 0 || w3 != 0;
    }

    /**
     * SCT.4: DTE=0 with PRE=1, RID_PASID beyond what PDTS allows, or EPTR=1 with PASIDE=0.
     */
    public boolean invalidProgramming() {
        return (!deviceTlbEnable() && pageRequestEnable())
                || (ridPasid() >>> 6) >= pasidDirectoryEntries()
                || (Bits.bit(w0, EPTR) && !pasidEnable());
    }

    public static long entryAddress(long contextTable, int devfn) {
        return contextTable + (long) (devfn & 0x7F) * SIZE;
    }
}
