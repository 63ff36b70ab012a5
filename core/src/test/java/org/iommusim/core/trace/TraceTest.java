package org.iommusim.core.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.testing.ToyMachine;
import org.iommusim.core.walk.RadixFormat;
import org.iommusim.core.walk.RadixTableBuilder;
import org.junit.jupiter.api.Test;

class TraceTest {
    @Test
    void textFormRoundTrips() {
        TranslationRequest[] trace = {
            new TranslationRequest(8, TranslationRequest.NO_PASID, 0x1234, Access.READ, false),
            new TranslationRequest(0xFFFF_FFFF, 0xFFFFF, -1L, Access.EXEC, true),
            new TranslationRequest(3, 7, 0x8000_0000L, Access.WRITE, false, true),
        };
        StringBuilder sb = new StringBuilder("# a trace\n\n");
        for (TranslationRequest r : trace) {
            sb.append(TraceFile.format(r)).append('\n');
        }
        assertEquals(Arrays.asList(trace), Arrays.asList(TraceFile.parse(sb.toString())));
        assertEquals("sid=0x3 pasid=0x7 iova=0x80000000 access=write translated", TraceFile.format(trace[2]));
    }

    @Test
    void translatedFlagIsParsedAnywhereOnTheLine() {
        TranslationRequest[] t = TraceFile.parse("translated sid=1 iova=0x2000 access=read\nsid=1 iova=0 access=read");
        assertTrue(t[0].translated());
        assertEquals(false, t[1].translated());
        assertEquals(0x2000, t[0].iova());
        assertThrows(IllegalArgumentException.class, () -> TraceFile.parse("sid=1 iova=0 access=read translated=1"));
    }

    @Test
    void badLinesNameTheirLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TraceFile.parse("sid=1 iova=0 access=read\nsid=1 iova=0\n"));
        assertTrue(e.getMessage().startsWith("line 2:"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TraceFile.parse("sid=1 iova=0 access=read pasid=0x100000"));
        assertThrows(IllegalArgumentException.class, () -> TraceFile.parse("sid=1 iova=zz access=read"));
    }

    @Test
    void workloadsHaveTheirShape() {
        TranslationRequest[] ring = Workloads.ringBuffer(1, TranslationRequest.NO_PASID, 0x10_0000, 64, 3);
        assertEquals(192, ring.length);
        assertEquals(ring[0].iova() >>> 12, ring[64].iova() >>> 12, "each pass revisits the same pages");
        assertEquals(Access.WRITE, ring[0].access());
        assertEquals(Access.READ, ring[64].access());
        TranslationRequest[] a = Workloads.random(1, 5, 0, 1000, 100, 9);
        TranslationRequest[] b = Workloads.random(1, 5, 0, 1000, 100, 9);
        assertEquals(Arrays.asList(a), Arrays.asList(b), "seeded");
        assertTrue(Arrays.stream(a).allMatch(r -> r.iova() < 1000L << 12 && r.pasid() == 5));
    }

    @Test
    void replayCountsTranslationsFaultsAndWalkReferences() {
        PhysicalMemory mem = new PhysicalMemory();
        ToyMachine toy = new ToyMachine(mem);
        RadixTableBuilder b = new RadixTableBuilder(mem, RadixFormat.ofLevels(4), 1L << 40);
        for (int page = 0; page < 32; page++) {
            b.map(0x10_0000 + ((long) page << 12), 0x8000_0000L + ((long) page << 12), 3);
        }
        toy.mmioWrite(0, 8, b.root());
        toy.mmioWrite(8, 4, 1);
        ReplayResult r = TraceReplayer.replay(toy, Workloads.ringBuffer(1, -1, 0x10_0000, 40, 2));
        assertEquals(80, r.translations());
        assertEquals(16, r.faults(), "8 of the 40 ring pages are unmapped, twice");
        assertEquals(4.0, r.walkReferencesPerTranslation(), "the toy has no cache: 4 references each");
    }
}
