package org.iommusim.smmu.v3.cd;

import org.iommusim.core.bits.Bits;

/**
 * A decoded Context Descriptor (IHI 0070 5.4), immutable: the first four of its eight 64-bit words
 * (T0SZ ... ASID, TTB0, TTB1, MAIR).
 */
public record ContextDescriptor(long dw0, long dw1, long dw2, long dw3) {
    public static final int SIZE = 64;
    public static final long TTB_MASK = Bits.mask(51, 4);

    public boolean valid() {
        return Bits.bit(dw0, 31);
    }

    /** TxSZ of half {@code i} (0 or 1): T0SZ[5:0], T1SZ[21:16]. */
    public int tsz(int i) {
        return (int) Bits.field(dw0, 16 * i + 5, 16 * i);
    }

    /** TGx of half {@code i}: TG0[7:6], TG1[23:22] (each with its own encoding). */
    public int tg(int i) {
        return (int) Bits.field(dw0, 16 * i + 7, 16 * i + 6);
    }

    /** EPDx: EPD0[14], EPD1[30]. */
    public boolean epd(int i) {
        return Bits.bit(dw0, 16 * i + 14);
    }

    public boolean endi() {
        return Bits.bit(dw0, 15);
    }

    public int ips() {
        return (int) Bits.field(dw0, 34, 32);
    }

    public boolean affd() {
        return Bits.bit(dw0, 35);
    }

    public boolean wxn() {
        return Bits.bit(dw0, 36);
    }

    public boolean uwxn() {
        return Bits.bit(dw0, 37);
    }

    /** TBIx: TBI0[38], TBI1[39]. */
    public boolean tbi(int i) {
        return Bits.bit(dw0, 38 + i);
    }

    public boolean aa64() {
        return Bits.bit(dw0, 41);
    }

    public boolean hd() {
        return Bits.bit(dw0, 42);
    }

    public boolean ha() {
        return Bits.bit(dw0, 43);
    }

    public boolean s() {
        return Bits.bit(dw0, 44);
    }

    public boolean r() {
        return Bits.bit(dw0, 45);
    }

    public boolean a() {
        return Bits.bit(dw0, 46);
    }

    public int asid() {
        return (int) Bits.field(dw0, 63, 48);
    }

    /** TTBx: TTB0 in dw1, TTB1 in dw2, bits[51:4]. */
    public long ttb(int i) {
        return (i == 0 ? dw1 : dw2) & TTB_MASK;
    }

    /** Bits[55:52] of TTBx: beyond any address the model supports. */
    public long ttbHigh(int i) {
        return Bits.field(i == 0 ? dw1 : dw2, 55, 52);
    }

    /** HADx: hierarchical attribute disable for TTBx (dw1[1], dw2[1]). */
    public boolean had(int i) {
        return Bits.bit(i == 0 ? dw1 : dw2, 1);
    }

    public long mair() {
        return dw3;
    }
}
