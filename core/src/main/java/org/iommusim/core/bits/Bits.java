package org.iommusim.core.bits;

/**
 * Bit-field helpers. Vendors name each field once as a constant (its high and low bit, as the
 * specification's tables give them) and read it with these, rather than scattering shifts and masks.
 */
public final class Bits {
    private Bits() {
    }

    /** A mask of bits {@code hi..lo} inclusive. */
    public static long mask(int hi, int lo) {
        if (hi < lo || lo < 0 || hi > 63) {
            throw new IllegalArgumentException("bad field " + hi + ":" + lo);
        }
        long width = hi - lo + 1;
        return (width == 64 ? -1L : ((1L << width) - 1)) << lo;
    }

    /** Bits {@code hi..lo} of {@code value}, shifted down to bit 0. */
    public static long field(long value, int hi, int lo) {
        return (value & mask(hi, lo)) >>> lo;
    }

    /** {@code value} with bits {@code hi..lo} replaced by {@code field}. */
    public static long withField(long value, int hi, int lo, long field) {
        long m = mask(hi, lo);
        return (value & ~m) | ((field << lo) & m);
    }

    public static boolean bit(long value, int bit) {
        return ((value >>> bit) & 1) != 0;
    }

    public static long withBit(long value, int bit, boolean set) {
        return set ? value | (1L << bit) : value & ~(1L << bit);
    }

    /** {@code value} with bits {@code hi..lo} kept and the rest cleared (an address field in place). */
    public static long extract(long value, int hi, int lo) {
        return value & mask(hi, lo);
    }
}
