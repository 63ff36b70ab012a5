package org.iommusim.core.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PhysicalMemoryTest {
    @Test
    void unwrittenMemoryReadsZeroAndAllocatesNothing() {
        PhysicalMemory m = new PhysicalMemory();
        assertEquals(0, m.read64(0x1234_5678_9000L));
        assertEquals(0, m.read32(0xFFF));
        assertEquals(0, m.allocatedFrames());
    }

    @Test
    void littleEndianAcrossWidths() {
        PhysicalMemory m = new PhysicalMemory();
        m.write64(0x1000, 0x1122_3344_5566_7788L);
        assertEquals(0x5566_7788, m.read32(0x1000));
        assertEquals(0x1122_3344, m.read32(0x1004));
        assertEquals((short) 0x7788, m.read16(0x1000));
        assertEquals((byte) 0x88, m.read8(0x1000));
        assertEquals((byte) 0x11, m.read8(0x1007));
    }

    @Test
    void accessesThatStraddleAFrameBoundary() {
        PhysicalMemory m = new PhysicalMemory();
        m.write64(0x1FFC, 0xAABB_CCDD_EEFF_0011L);
        assertEquals(0xAABB_CCDD_EEFF_0011L, m.read64(0x1FFC));
        assertEquals(0xEEFF_0011, m.read32(0x1FFC));
        assertEquals(0xAABB_CCDD, m.read32(0x2000));
        assertEquals(2, m.allocatedFrames());
        byte[] buf = new byte[6000];
        for (int i = 0; i < buf.length; i++) {
            buf[i] = (byte) (i * 7);
        }
        m.writeBytes(0x5_0F00, buf, 0, buf.length);
        byte[] back = new byte[6000];
        m.readBytes(0x5_0F00, back, 0, back.length);
        assertArrayEquals(buf, back);
    }

    @Test
    void sizeIsTheConfiguredAddressWidth() {
        PhysicalMemory m = new PhysicalMemory(40);
        long top = (1L << 40) - 8;
        assertTrue(m.inRange(top, 8));
        assertFalse(m.inRange(top + 1, 8));
        assertFalse(m.inRange(1L << 40, 1));
        assertFalse(m.inRange(-8, 16), "wrap-around is not in range");
        m.write64(top, 42);
        assertEquals(42, m.read64(top));
        assertThrows(IndexOutOfBoundsException.class, () -> m.read64(top + 4));
        assertThrows(IllegalArgumentException.class, () -> new PhysicalMemory(31));
    }

    @Test
    void sixtyFourBitSpaceReachesTheTop() {
        PhysicalMemory m = new PhysicalMemory(64);
        assertTrue(m.inRange(-8L, 8));
        m.write64(-8L, 7);
        assertEquals(7, m.read64(-8L));
    }

    @Test
    void countsReferencesByPurpose() {
        PhysicalMemory m = new PhysicalMemory();
        m.read64(0, AccessPurpose.PAGE_WALK);
        m.read64(8, AccessPurpose.PAGE_WALK);
        m.write32(16, 1, AccessPurpose.QUEUE);
        m.read64(24);
        assertEquals(2, m.references(AccessPurpose.PAGE_WALK));
        assertEquals(1, m.references(AccessPurpose.QUEUE));
        assertEquals(0, m.references(AccessPurpose.SOFTWARE), "uncounted accessors count nothing");
        assertTrue(m.compareAndSet64(0, 0, 5, AccessPurpose.PAGE_WALK));
        assertFalse(m.compareAndSet64(0, 0, 6, AccessPurpose.PAGE_WALK));
        assertEquals(5, m.read64(0));
        m.resetReferenceCounts();
        assertEquals(0, m.references(AccessPurpose.PAGE_WALK));
    }
}
