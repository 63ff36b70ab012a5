package org.iommusim.smmu.v3.ste;

/**
 * Encoders for STE words (IHI 0070 5.2), for drivers and tests that build stream tables in memory.
 * Each method returns the word with the field placed; OR them together.
 */
public final class SteField {
    private SteField() {
    }

    public static long v() {
        return 1;
    }

    public static long config(int config) {
        return (long) (config & 7) << 1;
    }

    public static long s1Fmt(int fmt) {
        return (long) (fmt & 3) << 4;
    }

    public static long s1ContextPtr(long address) {
        return address & StreamTableEntry.S1_CONTEXT_PTR_MASK;
    }

    public static long s1CdMax(int bits) {
        return (long) (bits & 0x1F) << 59;
    }

    public static long s1Dss(int dss) {
        return dss & 3;
    }

    public static long strw(int strw) {
        return (long) (strw & 3) << 30;
    }

    public static long s2Vmid(int vmid) {
        return vmid & 0xFFFFL;
    }

    public static long s2T0sz(int t0sz) {
        return (long) (t0sz & 0x3F) << 32;
    }

    public static long s2Sl0(int sl0) {
        return (long) (sl0 & 3) << 38;
    }

    public static long s2Tg(int tg) {
        return (long) (tg & 3) << 46;
    }

    public static long s2Ps(int ps) {
        return (long) (ps & 7) << 48;
    }

    public static long s2Aa64() {
        return 1L << 51;
    }

    public static long s2Affd() {
        return 1L << 53;
    }

    public static long s2Ptw() {
        return 1L << 54;
    }

    public static long s2Hd() {
        return 1L << 55;
    }

    public static long s2Ha() {
        return 1L << 56;
    }

    public static long s2R() {
        return 1L << 58;
    }

    public static long s2Ttb(long address) {
        return address & StreamTableEntry.S2TTB_MASK;
    }
}
