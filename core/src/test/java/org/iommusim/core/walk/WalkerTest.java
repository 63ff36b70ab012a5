package org.iommusim.core.walk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.iommusim.core.memory.AccessPurpose;
import org.iommusim.core.memory.PhysicalMemory;
import org.junit.jupiter.api.Test;

class WalkerTest {
    private final PhysicalMemory mem = new PhysicalMemory();
    private final RadixFormat fourLevel = RadixFormat.ofLevels(4);

    @Test
    void fourLevelWalkReadsOneEntryPerLevelAndTranslates() {
        RadixTableBuilder b = new RadixTableBuilder(mem, fourLevel, 0x10_0000);
        assertTrue(b.map(0x1234_5000L, 0x8_0000_0000L, 3));
        WalkTrace.Recorder trace = new WalkTrace.Recorder();
        WalkResult r = Walker.walk(mem, fourLevel, b.root(), 0x1234_5678L, 1, trace);
        assertEquals(WalkResult.Status.OK, r.status());
        assertEquals(0x8_0000_0678L, r.translate(0x1234_5678L));
        assertEquals(4096, r.pageSize());
        assertEquals(4, trace.count());
        assertEquals(4, mem.references(AccessPurpose.PAGE_WALK));
        assertEquals(1, r.level(), "the leaf is at level 1");
        assertEquals(4, trace.references().get(0).level(), "the root is level 4");
    }

    @Test
    void blockLeafEndsTheWalkEarly() {
        RadixFormat blocks = new RadixFormat(4, 9, 12, 0b0110);
        RadixTableBuilder b = new RadixTableBuilder(mem, blocks, 0x10_0000);
        assertTrue(b.map(0x4000_0000L, 0x1_0000_0000L, 1)); // 1 GiB block at step 1
        WalkTrace.Recorder trace = new WalkTrace.Recorder();
        WalkResult r = Walker.walk(mem, blocks, b.root(), 0x4123_4567L, 1, trace);
        assertEquals(WalkResult.Status.OK, r.status());
        assertEquals(1L << 30, r.pageSize());
        assertEquals(0x1_0123_4567L, r.translate(0x4123_4567L));
        assertEquals(2, trace.count());
    }

    @Test
    void notPresentReservedAndAbortStopTheWalkAtTheirStep() {
        RadixTableBuilder b = new RadixTableBuilder(mem, fourLevel, 0x10_0000);
        assertTrue(b.map(0x1000, 0x2000, 3));
        WalkResult miss = Walker.walk(mem, fourLevel, b.root(), 1L << 40, 1, WalkTrace.NONE);
        assertEquals(WalkResult.Status.INVALID, miss.status());
        assertEquals(0, miss.step());

        // A block where the format allows none is malformed.
        long root = b.root();
        mem.write64(root + 8, RadixFormat.leafEntry(1L << 39));
        WalkResult bad = Walker.walk(mem, fourLevel, root, 1L << 39, 1, WalkTrace.NONE);
        assertEquals(WalkResult.Status.RESERVED, bad.status());

        PhysicalMemory small = new PhysicalMemory(32);
        small.write64(0, RadixFormat.tableEntry(0xFFFF_F000L));
        small.write64(0xFFFF_F000L, RadixFormat.tableEntry(0x1_0000_0000L)); // beyond 32 bits
        WalkResult abort = Walker.walk(small, fourLevel, 0, 0, 1, WalkTrace.NONE);
        assertEquals(WalkResult.Status.ABORT, abort.status());
        assertEquals(2, abort.step());
        assertEquals(0x1_0000_0000L, abort.address());
    }

    @Test
    void walkFromSkipsTheCachedUpperLevels() {
        RadixTableBuilder b = new RadixTableBuilder(mem, fourLevel, 0x10_0000);
        assertTrue(b.map(0x20_0000, 0x30_0000, 3));
        WalkResult full = Walker.walk(mem, fourLevel, b.root(), 0x20_0000, 1, WalkTrace.NONE);
        long pdTable = fourLevel.nextTable(full.entries()[1], 1);
        WalkTrace.Recorder trace = new WalkTrace.Recorder();
        WalkResult partial = Walker.walkFrom(mem, fourLevel, 2, pdTable, 0x20_0000, 1, trace);
        assertEquals(full.address(), partial.address());
        assertEquals(2, trace.count());
        assertEquals(2, partial.firstStep());
    }
}
