package org.iommusim.vtd.pasid;

import org.iommusim.core.bits.Bits;

/**
 * A scalable-mode PASID-directory entry (64 bits), VT-d specification section 9.5. The directory is
 * indexed by PASID[19:6]; each present entry points to a 4 KiB table of 64 PASID entries.
 */
public record PasidDirectoryEntry(long value) {
    public static final int SIZE = 8;
    public static final int P = 0;
    public static final int FPD = 1;
    public static final int RSVD_HI = 11, RSVD_LO = 2;
    public static final int SMPTBLPTR_HI = 63, SMPTBLPTR_LO = 12;
    public static final int INDEX_SHIFT = 6;

    public boolean present() {
        return Bits.bit(value, P);
    }

    public boolean faultProcessingDisable() {
        return Bits.bit(value, FPD);
    }

    public long pasidTablePointer() {
        return Bits.extract(value, SMPTBLPTR_HI, SMPTBLPTR_LO);
    }

    public boolean reservedBitsSet(int hostAddressWidth) {
        return Bits.field(value, RSVD_HI, RSVD_LO) != 0
                || (hostAddressWidth < 64 && (value >>> hostAddressWidth) != 0);
    }

    public static long entryAddress(long directory, int pasid) {
        return directory + (long) (pasid >>> INDEX_SHIFT) * SIZE;
    }
}
