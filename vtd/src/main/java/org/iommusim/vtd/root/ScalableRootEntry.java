package org.iommusim.vtd.root;

import org.iommusim.core.bits.Bits;

/**
 * A scalable-mode root entry (128 bits), VT-d specification section 9.2: the lower half points to the
 * context table for device/function 0-127 of the bus, the upper half to the one for 128-255.
 *
 * @param lo bits 63:0 (LP, LCTP)
 * @param hi bits 127:64 (UP, UCTP)
 */
public record ScalableRootEntry(long lo, long hi) {
    public static final int P = 0;
    public static final int RSVD_HI = 11, RSVD_LO = 1;
    public static final int CTP_HI = 63, CTP_LO = 12;

    /** The half that serves {@code devfn}. */
    public long half(int devfn) {
        return devfn < 128 ? lo : hi;
    }

    public boolean present(int devfn) {
        return Bits.bit(half(devfn), P);
    }

    public long contextTablePointer(int devfn) {
        return Bits.extract(half(devfn), CTP_HI, CTP_LO);
    }

    public boolean reservedBitsSet(int devfn, int hostAddressWidth) {
        long w = half(devfn);
        return Bits.field(w, RSVD_HI, RSVD_LO) != 0 || RootEntry.aboveWidth(w, hostAddressWidth);
    }
}
