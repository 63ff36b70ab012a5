package org.iommusim.vtd.root;

import org.iommusim.core.bits.Bits;

/**
 * A legacy-mode root entry (128 bits; 256 per 4 KiB root table, indexed by bus number), VT-d
 * specification section 9.1.
 *
 * @param lo bits 63:0 (P, CTP)
 * @param hi bits 127:64 (all reserved)
 */
public record RootEntry(long lo, long hi) {
    public static final int SIZE = 16;
    public static final int P = 0;
    public static final int RSVD_LO_HI = 11, RSVD_LO_LO = 1;
    public static final int CTP_HI = 63, CTP_LO = 12;

    public boolean present() {
        return Bits.bit(lo, P);
    }

    /** Context-table pointer (4 KiB aligned). */
    public long contextTablePointer() {
        return Bits.extract(lo, CTP_HI, CTP_LO);
    }

    /** Reserved bits: lo 11:1, lo bits at or above the host address width, and all of hi. */
    public boolean reservedBitsSet(int hostAddressWidth) {
        return Bits.field(lo, RSVD_LO_HI, RSVD_LO_LO) != 0 || aboveWidth(lo, hostAddressWidth) || hi != 0;
    }

    static boolean aboveWidth(long pointerWord, int width) {
        return width < 64 && (pointerWord >>> width) != 0;
    }

    public static long entryAddress(long rootTable, int bus) {
        return rootTable + (long) bus * SIZE;
    }
}
