package org.iommusim.core.dma;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.iommusim.core.memory.AccessPurpose;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.testing.ToyMachine;
import org.iommusim.core.walk.RadixFormat;
import org.iommusim.core.walk.RadixTableBuilder;
import org.junit.jupiter.api.Test;

class DmaEngineTest {
    private final PhysicalMemory mem = new PhysicalMemory(40);
    private final ToyMachine toy = new ToyMachine(mem);
    private final RadixTableBuilder tables = new RadixTableBuilder(mem, RadixFormat.ofLevels(4), 0x100_0000);
    private final DmaEngine dma = new DmaEngine(toy);

    DmaEngineTest() {
        toy.mmioWrite(0, 8, tables.root());
        toy.mmioWrite(8, 4, 1);
    }

    @Test
    void aBufferSpanningPagesGoesToEachPagesOwnFrame() {
        // IOVA pages 0x10000 and 0x11000 are contiguous; their frames are not.
        tables.map(0x10000, 0x5_0000, 3);
        tables.map(0x11000, 0x2_0000, 3);
        byte[] data = new byte[0x1800];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        DmaResult w = dma.write(1, TranslationRequest.NO_PASID, false, 0x10800, data);
        assertTrue(w.ok());
        assertEquals(0x5_0800, w.firstOutputAddress());
        assertEquals((byte) 0x01, mem.read8(0x5_0801));
        assertEquals((byte) 0xFF, mem.read8(0x5_0FFF), "byte 0x7FF of the buffer ends the first page");
        assertEquals((byte) 0x00, mem.read8(0x2_0000), "byte 0x800 starts the second page's frame");
        assertEquals((byte) 0x01, mem.read8(0x2_0001));
        assertEquals(2, mem.references(AccessPurpose.DMA_DATA), "one burst per page");
        DmaResult r = dma.read(1, TranslationRequest.NO_PASID, false, 0x10800, data.length);
        assertTrue(r.ok());
        assertArrayEquals(data, r.data());
    }

    @Test
    void stopsAtTheFirstFaultWithTheBytesDoneSoFar() {
        tables.map(0x10000, 0x5_0000, 3);
        mem.write64(0x5_0FFE, 0xBBAAL);
        DmaResult r = dma.read(1, TranslationRequest.NO_PASID, false, 0x10FFE, 4);
        assertFalse(r.ok());
        assertEquals(2, r.bytesDone());
        assertArrayEquals(new byte[] {(byte) 0xAA, (byte) 0xBB}, r.data());
        assertEquals(2, r.fault().code());
        assertEquals(0x11000, r.fault().address(), "the fault names the first byte that could not translate");
    }

    @Test
    void outputBeyondPhysicalMemoryIsABusErrorNotAnException() {
        assertTrue(tables.map(0x20000, 1L << 41, 3)); // 2^41 does not exist in a 40-bit memory
        DmaResult r = dma.read(1, TranslationRequest.NO_PASID, false, 0x20000, 8);
        assertFalse(r.ok());
        assertTrue(r.busError());
        assertNull(r.fault());
    }
}
