package org.iommusim.smmu.v3.cd;

import org.iommusim.core.bits.Bits;
import org.iommusim.smmu.v3.ste.StreamTableEntry;

/**
 * CD table addressing (IHI 0070 3.4.3, 5.3, STE.S1Fmt): a linear table of 2^S1CDMax CDs, or a 2-level
 * table whose L1 descriptors (L1CD: V[0], L2Ptr[55:12]) point at leaf tables of 64 CDs (4 KiB, S1Fmt=01)
 * or 1024 CDs (64 KiB, S1Fmt=10).
 */
public final class ContextDescriptorTable {
    public static final long L1CD_L2PTR_MASK = Bits.mask(51, 12);

    private ContextDescriptorTable() {
    }

    /** log2 of the CDs in one leaf table: 6 (4 KiB leaves) or 10 (64 KiB). */
    public static int leafBits(int s1Fmt) {
        return s1Fmt == StreamTableEntry.S1FMT_2LVL_64K ? 10 : 6;
    }

    /** Address of the CD of {@code ssid} in a linear table at {@code base} of 2^cdMax entries. */
    public static long linearEntry(long base, int cdMax, int ssid) {
        return (base & -(64L << cdMax)) + (long) ssid * ContextDescriptor.SIZE;
    }

    /** Address of the L1CD for {@code ssid} in a 2-level table at {@code base}. */
    public static long l1Entry(long base, int cdMax, int s1Fmt, int ssid) {
        int l1Bits = Math.max(0, cdMax - leafBits(s1Fmt));
        return (base & -(1L << Math.max(6, l1Bits + 3))) + ((long) ssid >>> leafBits(s1Fmt)) * 8;
    }

    public static boolean l1Valid(long l1cd) {
        return Bits.bit(l1cd, 0);
    }

    /** Address of the CD of {@code ssid} in the leaf table the L1CD points at. */
    public static long l2Entry(long l1cd, int s1Fmt, int ssid) {
        long l2 = l1cd & L1CD_L2PTR_MASK & -(64L << leafBits(s1Fmt));
        return l2 + (long) (ssid & ((1 << leafBits(s1Fmt)) - 1)) * ContextDescriptor.SIZE;
    }

    /** An L1CD pointing at a leaf table (encoder for drivers). */
    public static long l1Descriptor(long l2) {
        return (l2 & L1CD_L2PTR_MASK) | 1;
    }
}
