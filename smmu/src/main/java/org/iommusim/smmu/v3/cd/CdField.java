package org.iommusim.smmu.v3.cd;

/** Encoders for CD dw0 fields (IHI 0070 5.4), for drivers and tests. OR the results together. */
public final class CdField {
    private CdField() {
    }

    public static long t0sz(int v) {
        return v & 0x3F;
    }

    public static long tg0(int v) {
        return (long) (v & 3) << 6;
    }

    public static long epd0() {
        return 1L << 14;
    }

    public static long t1sz(int v) {
        return (long) (v & 0x3F) << 16;
    }

    public static long tg1(int v) {
        return (long) (v & 3) << 22;
    }

    public static long epd1() {
        return 1L << 30;
    }

    public static long v() {
        return 1L << 31;
    }

    public static long ips(int v) {
        return (long) (v & 7) << 32;
    }

    public static long affd() {
        return 1L << 35;
    }

    public static long wxn() {
        return 1L << 36;
    }

    public static long uwxn() {
        return 1L << 37;
    }

    public static long tbi0() {
        return 1L << 38;
    }

    public static long tbi1() {
        return 1L << 39;
    }

    public static long aa64() {
        return 1L << 41;
    }

    public static long hd() {
        return 1L << 42;
    }

    public static long ha() {
        return 1L << 43;
    }

    public static long r() {
        return 1L << 45;
    }

    public static long a() {
        return 1L << 46;
    }

    public static long asid(int v) {
        return (long) (v & 0xFFFF) << 48;
    }

    public static long ttb(long address) {
        return address & ContextDescriptor.TTB_MASK;
    }
}
