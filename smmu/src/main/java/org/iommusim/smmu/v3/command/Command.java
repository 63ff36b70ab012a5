package org.iommusim.smmu.v3.command;

import org.iommusim.core.bits.Bits;

/**
 * One 16-byte command (IHI 0070 4.1-4.7) and its fields at the specification's positions: dw0 Opcode
 * [7:0], SSec [10], SSV [11], SubstreamID [31:12] / NUM [16:12] / CS [13:12], SCALE [25:20], MSH
 * [23:22], MSIAttr [27:24], StreamID / MSIData [63:32], VMID [47:32], ASID [63:48]; dw1 Leaf [0],
 * Range/Size [4:0] ([5:0] for ATC_INV), TTL [9:8], TG [11:10], Address [63:12], MSIAddress [55:2].
 */
public record Command(long dw0, long dw1) {
    public int opcode() {
        return (int) (dw0 & 0xFF);
    }

    public int streamId() {
        return (int) (dw0 >>> 32);
    }

    public int substreamId() {
        return (int) Bits.field(dw0, 31, 12);
    }

    public int vmid() {
        return (int) Bits.field(dw0, 47, 32);
    }

    public int asid() {
        return (int) Bits.field(dw0, 63, 48);
    }

    public int num() {
        return (int) Bits.field(dw0, 16, 12);
    }

    public int scale() {
        return (int) Bits.field(dw0, 25, 20);
    }

    public int cs() {
        return (int) Bits.field(dw0, 13, 12);
    }

    public int msiData() {
        return (int) (dw0 >>> 32);
    }

    public boolean leaf() {
        return Bits.bit(dw1, 0);
    }

    public int range() {
        return (int) Bits.field(dw1, 4, 0);
    }

    public int ttl() {
        return (int) Bits.field(dw1, 9, 8);
    }

    public int tg() {
        return (int) Bits.field(dw1, 11, 10);
    }

    public long address() {
        return dw1 & ~0xFFFL;
    }

    public long msiAddress() {
        return Bits.extract(dw1, 55, 2);
    }

    // ---- encoders, for drivers and tests ----

    public static Command of(int opcode) {
        return new Command(opcode & 0xFF, 0);
    }

    public Command withStreamId(int sid) {
        return new Command(Bits.withField(dw0, 63, 32, sid & 0xFFFF_FFFFL), dw1);
    }

    public Command withSubstreamId(int ssid) {
        return new Command(Bits.withField(dw0, 31, 12, ssid), dw1);
    }

    public Command withVmid(int vmid) {
        return new Command(Bits.withField(dw0, 47, 32, vmid), dw1);
    }

    public Command withAsid(int asid) {
        return new Command(Bits.withField(dw0, 63, 48, asid), dw1);
    }

    public Command withLeaf(boolean leaf) {
        return new Command(dw0, Bits.withBit(dw1, 0, leaf));
    }

    public Command withRange(int range) {
        return new Command(dw0, Bits.withField(dw1, 4, 0, range));
    }

    public Command withAddress(long address) {
        return new Command(dw0, (dw1 & 0xFFF) | (address & ~0xFFFL));
    }

    /** Range invalidation fields: NUM, SCALE (dw0), TG, TTL (dw1). */
    public Command withRangeFields(int num, int scale, int tg, int ttl) {
        long d0 = Bits.withField(Bits.withField(dw0, 16, 12, num), 25, 20, scale);
        long d1 = Bits.withField(Bits.withField(dw1, 11, 10, tg), 9, 8, ttl);
        return new Command(d0, d1);
    }

    /** CMD_SYNC with the completion signal and the MSI it writes. */
    public static Command sync(int cs, long msiAddress, int msiData) {
        long d0 = Opcode.CMD_SYNC | ((long) (cs & 3) << 12) | ((msiData & 0xFFFF_FFFFL) << 32);
        return new Command(d0, Bits.extract(msiAddress, 55, 2));
    }
}
