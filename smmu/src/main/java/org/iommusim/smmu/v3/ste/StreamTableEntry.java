package org.iommusim.smmu.v3.ste;

import org.iommusim.core.bits.Bits;

/**
 * A decoded Stream Table Entry (IHI 0070 5.2), immutable. Field names and positions are the
 * specification's; words are the eight little-endian 64-bit words of the 64-byte STE.
 */
public record StreamTableEntry(long dw0, long dw1, long dw2, long dw3) {
    /** Config encodings (5.2, STE.Config). */
    public static final int CONFIG_ABORT = 0b000;
    public static final int CONFIG_BYPASS = 0b100;
    public static final int CONFIG_S1 = 0b101;
    public static final int CONFIG_S2 = 0b110;
    public static final int CONFIG_NESTED = 0b111;

    /** S1Fmt encodings. */
    public static final int S1FMT_LINEAR = 0;
    public static final int S1FMT_2LVL_4K = 1;
    public static final int S1FMT_2LVL_64K = 2;

    /** S1DSS encodings. */
    public static final int S1DSS_TERMINATE = 0;
    public static final int S1DSS_BYPASS = 1;
    public static final int S1DSS_SSID0 = 2;

    public static final long S1_CONTEXT_PTR_MASK = Bits.mask(51, 6);
    public static final long S2TTB_MASK = Bits.mask(51, 4);

    public static StreamTableEntry of(long[] words) {
        return new StreamTableEntry(words[0], words[1], words[2], words[3]);
    }

    // ---- dw0 ----
    public boolean valid() {
        return Bits.bit(dw0, 0);
    }

    public int config() {
        return (int) Bits.field(dw0, 3, 1);
    }

    /** Config 0b0xx (abort without an event, reserved values included). */
    public boolean aborts() {
        return (config() & 0b100) == 0;
    }

    public boolean stage1Enabled() {
        return !aborts() && Bits.bit(dw0, 1);
    }

    public boolean stage2Enabled() {
        return !aborts() && Bits.bit(dw0, 2);
    }

    public int s1Fmt() {
        int fmt = (int) Bits.field(dw0, 5, 4);
        return fmt == 3 ? S1FMT_LINEAR : fmt;
    }

    public long s1ContextPtr() {
        return dw0 & S1_CONTEXT_PTR_MASK;
    }

    /** Bits of the ContextPtr field above 51 (out of range of any address the model supports). */
    public long s1ContextPtrHigh() {
        return Bits.field(dw0, 55, 52);
    }

    public int s1CdMax() {
        return (int) Bits.field(dw0, 63, 59);
    }

    // ---- dw1 ----
    public int s1Dss() {
        int dss = (int) Bits.field(dw1, 1, 0);
        return dss == 3 ? S1DSS_TERMINATE : dss;
    }

    public boolean s1Stalld() {
        return Bits.bit(dw1, 27);
    }

    public int eats() {
        return (int) Bits.field(dw1, 29, 28);
    }

    public int strw() {
        return (int) Bits.field(dw1, 31, 30);
    }

    // ---- dw2 ----
    public int s2Vmid() {
        return (int) Bits.field(dw2, 15, 0);
    }

    public int s2T0sz() {
        return (int) Bits.field(dw2, 37, 32);
    }

    public int s2Sl0() {
        return (int) Bits.field(dw2, 39, 38);
    }

    public int s2Tg() {
        return (int) Bits.field(dw2, 47, 46);
    }

    public int s2Ps() {
        return (int) Bits.field(dw2, 50, 48);
    }

    public boolean s2Aa64() {
        return Bits.bit(dw2, 51);
    }

    public boolean s2Endi() {
        return Bits.bit(dw2, 52);
    }

    public boolean s2Affd() {
        return Bits.bit(dw2, 53);
    }

    public boolean s2Ptw() {
        return Bits.bit(dw2, 54);
    }

    public boolean s2Hd() {
        return Bits.bit(dw2, 55);
    }

    public boolean s2Ha() {
        return Bits.bit(dw2, 56);
    }

    public boolean s2S() {
        return Bits.bit(dw2, 57);
    }

    public boolean s2R() {
        return Bits.bit(dw2, 58);
    }

    // ---- dw3 ----
    public long s2Ttb() {
        return dw3 & S2TTB_MASK;
    }

    public long s2TtbHigh() {
        return Bits.field(dw3, 55, 52);
    }
}
