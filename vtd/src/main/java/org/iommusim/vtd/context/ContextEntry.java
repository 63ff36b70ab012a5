package org.iommusim.vtd.context;

import org.iommusim.core.bits.Bits;

/**
 * A legacy-mode context entry (128 bits; 256 per context table, indexed by device/function), VT-d
 * specification section 9.3.
 *
 * @param lo bits 63:0 (P, FPD, TT, SLPTPTR)
 * @param hi bits 127:64 (AW, AVAIL, DID)
 */
public record ContextEntry(long lo, long hi) {
    public static final int SIZE = 16;
    public static final int P = 0;
    public static final int FPD = 1;
    public static final int TT_HI = 3, TT_LO = 2;
    public static final int RSVD_LO_HI = 11, RSVD_LO_LO = 4;
    public static final int SLPTPTR_HI = 63, SLPTPTR_LO = 12;
    public static final int AW_HI = 2, AW_LO = 0;
    public static final int HI_RSVD_BIT = 7;
    public static final int DID_HI = 23, DID_LO = 8;
    public static final int HI_RSVD_TOP_HI = 63, HI_RSVD_TOP_LO = 24;

    /** TT: untranslated requests through the second-stage table. */
    public static final int TT_UNTRANSLATED = 0;
    /** TT: as 00, and the device may use a device-TLB (needs ECAP.DT). */
    public static final int TT_DEVICE_TLB = 1;
    /** TT: pass-through (needs ECAP.PT). */
    public static final int TT_PASS_THROUGH = 2;

    public boolean present() {
        return Bits.bit(lo, P);
    }

    public boolean faultProcessingDisable() {
        return Bits.bit(lo, FPD);
    }

    public int translationType() {
        return (int) Bits.field(lo, TT_HI, TT_LO);
    }

    public long secondStagePointer() {
        return Bits.extract(lo, SLPTPTR_HI, SLPTPTR_LO);
    }

    public int addressWidth() {
        return (int) Bits.field(hi, AW_HI, AW_LO);
    }

    public int domainId() {
        return (int) Bits.field(hi, DID_HI, DID_LO);
    }

    public boolean reservedBitsSet(int hostAddressWidth) {
        return Bits.field(lo, RSVD_LO_HI, RSVD_LO_LO) != 0
                || (hostAddressWidth < 64 && (lo >>> hostAddressWidth) != 0)
                || Bits.bit(hi, HI_RSVD_BIT)
                || Bits.field(hi, HI_RSVD_TOP_HI, HI_RSVD_TOP_LO) != 0;
    }

    public static long entryAddress(long contextTable, int devfn) {
        return contextTable + (long) devfn * SIZE;
    }
}
