package org.iommusim.smmu.vmsa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.walk.EntryKind;
import org.iommusim.core.walk.WalkResult;
import org.iommusim.core.walk.WalkTrace;
import org.iommusim.core.walk.Walker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VmsaFormatTest {

    @ParameterizedTest(name = "{0} TxSZ={1} starts at level {2} with {3} root index bits")
    @CsvSource({
            "GRANULE_4K, 16, 0, 9", "GRANULE_4K, 25, 1, 9", "GRANULE_4K, 24, 0, 1", "GRANULE_4K, 34, 2, 9",
            "GRANULE_4K, 39, 2, 4", "GRANULE_16K, 16, 0, 1", "GRANULE_16K, 17, 1, 11", "GRANULE_16K, 28, 1, 0",
            "GRANULE_16K, 39, 3, 11", "GRANULE_64K, 16, 1, 6", "GRANULE_64K, 22, 2, 13", "GRANULE_64K, 35, 2, 0",
            "GRANULE_64K, 39, 3, 9"})
    void stage1StartLevelFollowsTxSz(Granule g, int tsz, int level, int rootBits) {
        if (rootBits == 0) {
            // 16K TxSZ=28 is 36 bits = 14 + 2*11: two levels exactly (level 2). 64K TxSZ=35: 29 = 16 + 13.
            VmsaFormat f = VmsaFormat.stage1(g, tsz, 48).orElseThrow();
            assertEquals(g.stride(), f.indexBits(0));
            assertEquals(Granule.FINAL_LEVEL + 1 - f.levels(), f.startLevel());
            return;
        }
        VmsaFormat f = VmsaFormat.stage1(g, tsz, 48).orElseThrow();
        assertEquals(level, f.startLevel());
        assertEquals(rootBits, f.indexBits(0));
        assertEquals(64 - tsz, f.inputBits());
    }

    @Test
    void stage1RefusesTxSzOutOfRange() {
        assertTrue(VmsaFormat.stage1(Granule.GRANULE_4K, 15, 48).isEmpty());
        assertTrue(VmsaFormat.stage1(Granule.GRANULE_4K, 40, 48).isEmpty());
        assertTrue(VmsaFormat.stage1(Granule.GRANULE_4K, 20, 52).isEmpty());
        assertTrue(VmsaFormat.stage1(null, 20, 48).isEmpty());
    }

    @ParameterizedTest(name = "{0} T0SZ={1} SL0={2}: start level {3}, {4} concatenated tables")
    @CsvSource({
            "GRANULE_4K, 24, 1, 1, 2", "GRANULE_4K, 16, 2, 0, 1", "GRANULE_4K, 22, 1, 1, 8",
            "GRANULE_4K, 21, 1, 1, 16", "GRANULE_4K, 33, 0, 2, 2", "GRANULE_4K, 34, 0, 2, 1",
            "GRANULE_16K, 27, 1, 2, 2", "GRANULE_16K, 17, 2, 1, 1", "GRANULE_16K, 39, 0, 3, 1",
            "GRANULE_64K, 22, 1, 2, 1", "GRANULE_64K, 16, 2, 1, 1", "GRANULE_64K, 18, 1, 2, 16",
            "GRANULE_64K, 34, 0, 3, 2"})
    void stage2StartLevelFromSl0WithConcatenation(Granule g, int t0sz, int sl0, int level, int tables) {
        VmsaFormat f = VmsaFormat.stage2(g, t0sz, sl0, 48).orElseThrow();
        assertEquals(level, f.startLevel());
        assertEquals(tables, f.concatenatedTables());
        if (tables > 1) {
            assertEquals((8L * tables) << g.stride(), f.rootTableSize());
        }
    }

    @ParameterizedTest(name = "{0} T0SZ={1} SL0={2} is inconsistent")
    @CsvSource({"GRANULE_4K, 16, 0", "GRANULE_4K, 19, 1", "GRANULE_4K, 38, 2", "GRANULE_4K, 24, 3",
            "GRANULE_16K, 16, 1", "GRANULE_64K, 16, 0", "GRANULE_64K, 39, 2"})
    void stage2RefusesInconsistentSl0(Granule g, int t0sz, int sl0) {
        assertTrue(VmsaFormat.stage2(g, t0sz, sl0, 48).isEmpty());
    }

    @Test
    void granuleEncodings() {
        for (Granule g : Granule.values()) {
            assertEquals(g, Granule.fromTg0(g.tg0()));
            assertEquals(g, Granule.fromTg1(g.tg1()));
        }
        assertEquals(Granule.GRANULE_16K, Granule.ofPageSize(16384));
        assertEquals(null, Granule.ofPageSize(8192));
        assertEquals(null, Granule.fromTg0(3));
        assertEquals(null, Granule.fromTg1(0));
        assertEquals(Granule.GRANULE_64K, Granule.fromTg0(1));
        assertEquals(Granule.GRANULE_4K, Granule.fromTg1(2));
        assertEquals(48, PhysicalAddressSize.bits(5));
        assertEquals(-1, PhysicalAddressSize.bits(7));
        assertEquals(2, PhysicalAddressSize.encode(40));
    }

    @Test
    void walksFourLevelsWithPageAndBlocks() {
        PhysicalMemory m = new PhysicalMemory();
        VmsaFormat f = VmsaFormat.stage1(Granule.GRANULE_4K, 16, 48).orElseThrow();
        long va = 0x0000_1234_5678_9000L;
        m.write64(0x10000 + 8 * ((va >>> 39) & 511), VmsaDescriptor.table(0x11000));
        m.write64(0x11000 + 8 * ((va >>> 30) & 511), VmsaDescriptor.table(0x12000));
        m.write64(0x12000 + 8 * ((va >>> 21) & 511), VmsaDescriptor.table(0x13000));
        m.write64(0x13000 + 8 * ((va >>> 12) & 511), VmsaDescriptor.page(0x8000_0000L, 1L << VmsaDescriptor.AF));
        WalkTrace.Recorder rec = new WalkTrace.Recorder();
        WalkResult r = Walker.walk(m, f, 0x10000, va + 0x123, 1, rec);
        assertTrue(r.ok());
        assertEquals(0x8000_0123L, r.translate(va + 0x123));
        assertEquals(4, rec.count());
        assertEquals(3, r.level());

        // a 2 MiB block at level 2 and a 1 GiB block at level 1
        m.write64(0x12000 + 8 * ((va >>> 21) & 511), VmsaDescriptor.block(0x4020_0000L, 0));
        r = Walker.walk(m, f, 0x10000, va, 1, WalkTrace.NONE);
        assertTrue(r.ok());
        assertEquals(2, r.level());
        assertEquals(0x4020_0000L | (va & 0x1F_FFFF), r.translate(va));
        m.write64(0x11000 + 8 * ((va >>> 30) & 511), VmsaDescriptor.block(0xC000_0000L, 0));
        r = Walker.walk(m, f, 0x10000, va, 1, WalkTrace.NONE);
        assertEquals(1 << 30, r.pageSize());
        assertEquals(0xC000_0000L | (va & 0x3FFF_FFFF), r.translate(va));
    }

    @Test
    void illegalBlocksAndLevel3BlockEncodingAreReserved() {
        VmsaFormat f4 = VmsaFormat.stage1(Granule.GRANULE_4K, 16, 48).orElseThrow();
        long block = VmsaDescriptor.block(0, 0);
        assertEquals(EntryKind.RESERVED, f4.classify(block, 0)); // level 0: no 4K blocks
        assertEquals(EntryKind.LEAF, f4.classify(block, 1));
        assertEquals(EntryKind.LEAF, f4.classify(block, 2));
        assertEquals(EntryKind.RESERVED, f4.classify(block, 3)); // bits[1:0]=01 at level 3
        VmsaFormat f64 = VmsaFormat.stage1(Granule.GRANULE_64K, 16, 48).orElseThrow();
        assertEquals(1, f64.startLevel());
        assertEquals(EntryKind.RESERVED, f64.classify(block, 0)); // level 1: no 64K blocks without LPA
        assertEquals(EntryKind.LEAF, f64.classify(block, 1));
        VmsaFormat f16 = VmsaFormat.stage1(Granule.GRANULE_16K, 17, 48).orElseThrow();
        assertEquals(EntryKind.RESERVED, f16.classify(block, 0)); // 16K level 1
        assertEquals(EntryKind.LEAF, f16.classify(block, 1)); // 32 MiB at level 2
        assertEquals(32L << 20, f16.pageSize(1));
        assertEquals(EntryKind.INVALID, f16.classify(0x2, 1));
    }

    @Test
    void addressSizeChecksOnTablesAndLeaves() {
        VmsaFormat f = VmsaFormat.stage1(Granule.GRANULE_4K, 25, 40).orElseThrow();
        long far = VmsaDescriptor.table(1L << 40);
        assertEquals(EntryKind.RESERVED, f.classify(far, 0));
        assertTrue(f.addressSizeFault(far, 0));
        assertFalse(f.addressSizeFault(VmsaDescriptor.table((1L << 40) - 0x1000), 0));
        assertFalse(f.addressSizeFault(VmsaDescriptor.block(0, 0), 2));
        long high = VmsaDescriptor.page(0, 0) | (1L << 48);
        assertTrue(VmsaFormat.stage1(Granule.GRANULE_4K, 25, 48).orElseThrow().addressSizeFault(high, 2));
        VmsaFormat f64 = VmsaFormat.stage1(Granule.GRANULE_64K, 25, 48).orElseThrow();
        long oaHigh = VmsaDescriptor.page(0x1_0000, 0) | (1L << 12); // OA[48] in bits[15:12]
        assertTrue(f64.addressSizeFault(oaHigh, f64.levels() - 1));
        assertEquals((1L << 48) | 0x1_0000, f64.outputAddress(oaHigh, f64.levels() - 1));
        // DBM (bit 51) and the upper attributes are not address bits
        long withUpper = VmsaDescriptor.page(0x5000, (1L << 51) | (1L << 54));
        assertFalse(f.addressSizeFault(withUpper, 2));
        assertEquals(0x5000, f.outputAddress(withUpper, 2));
    }

    @Test
    void concatenatedStage2RootIsIndexedAcrossTables() {
        PhysicalMemory m = new PhysicalMemory();
        VmsaFormat f = VmsaFormat.stage2(Granule.GRANULE_4K, 24, 1, 48).orElseThrow(); // 40-bit IPA, 2 L1 tables
        long ipa = 0xA0_1234_5000L; // bit 39 set: second concatenated table
        long l1 = 0x40000 + 8 * ((ipa >>> 30) & 1023);
        assertEquals(0x40000 + 0x1000 + 8 * ((ipa >>> 30) & 511), l1);
        m.write64(l1, VmsaDescriptor.block(0x1_4000_0000L, 0));
        WalkResult r = Walker.walk(m, f, 0x40000, ipa, 2, WalkTrace.NONE);
        assertTrue(r.ok());
        assertEquals(0x1_4000_0000L | (ipa & 0x3FFF_FFFF), r.translate(ipa));
        assertTrue(f.inputFits(ipa));
        assertFalse(f.inputFits(1L << 40));
    }

    @Test
    void bigEndianTablesAreWalkedByteSwapped() {
        PhysicalMemory m = new PhysicalMemory();
        VmsaFormat f = VmsaFormat.stage1(Granule.GRANULE_4K, 25, 48).orElseThrow();
        BigEndianFormat be = new BigEndianFormat(f);
        long va = 0x4020_3000L;
        m.write64(0x10000 + 8 * ((va >>> 30) & 511), Long.reverseBytes(VmsaDescriptor.table(0x11000)));
        m.write64(0x11000 + 8 * ((va >>> 21) & 511), Long.reverseBytes(VmsaDescriptor.table(0x12000)));
        m.write64(0x12000 + 8 * ((va >>> 12) & 511), Long.reverseBytes(VmsaDescriptor.page(0x7000_0000L, 0)));
        WalkResult r = Walker.walk(m, be, 0x10000, va + 5, 1, WalkTrace.NONE);
        assertTrue(r.ok());
        assertEquals(0x7000_0005L, r.translate(va + 5));
        assertEquals(VmsaDescriptor.page(0x7000_0000L, 0), BigEndianFormat.value(r.lastEntry()));
        assertFalse(Walker.walk(m, f, 0x10000, va, 1, WalkTrace.NONE).ok());
        assertEquals(f.levels(), be.levels());
        assertEquals(f.inputBits(), be.inputBits());
    }
}
