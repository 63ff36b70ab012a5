package org.iommusim.core.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class PhysicalMemoryProperties {
    record Write(long address, byte value) {
    }

    @Provide
    Arbitrary<List<Write>> writes() {
        // Addresses clustered on a few frames so that writes overlap and straddle boundaries: low (found by
        // index), across the end of the indexed frames, and high (hashed).
        Arbitrary<Long> base = Arbitraries.of(0L, 0x4000_0000L,
                (PhysicalMemory.DIRECT_FRAMES << PhysicalMemory.FRAME_SHIFT) - 2 * 4096, 0x7_0000_0000L);
        Arbitrary<Long> addr = Combinators.combine(base, Arbitraries.longs().between(0, 3 * 4096 + 100))
                .as(Long::sum);
        return Combinators.combine(addr, Arbitraries.bytes()).as(Write::new).list().ofMaxSize(300);
    }

    @Property
    void memoryBehavesLikeAByteMap(@ForAll("writes") List<Write> writes) {
        PhysicalMemory m = new PhysicalMemory();
        Map<Long, Byte> model = new HashMap<>();
        for (Write w : writes) {
            m.write8(w.address(), w.value());
            model.put(w.address(), w.value());
        }
        for (Write w : writes) {
            long a = w.address();
            long expected = 0;
            for (int i = 7; i >= 0; i--) {
                expected = (expected << 8) | (model.getOrDefault(a + i, (byte) 0) & 0xFF);
            }
            assertEquals(expected, m.read64(a), "read64 at " + Long.toHexString(a));
            long before = m.references(AccessPurpose.PAGE_WALK);
            assertEquals(expected, m.readEntry(a, AccessPurpose.PAGE_WALK), "readEntry at " + Long.toHexString(a));
            assertEquals(m.read64(a & ~7L), m.readEntry(a & ~7L, AccessPurpose.PAGE_WALK), "aligned readEntry");
            assertEquals(before + 2, m.references(AccessPurpose.PAGE_WALK), "each readEntry is one reference");
        }
        long frames = model.keySet().stream().map(a -> a >>> PhysicalMemory.FRAME_SHIFT).distinct().count();
        assertEquals(frames, m.allocatedFrames(), "one frame per 4 KiB written, indexed or hashed");
    }

    @Property
    void entryInRangeIsInRangeOfEightBytes(@ForAll long address,
                                           @ForAll("addressBits") int addressBits) {
        PhysicalMemory m = new PhysicalMemory(addressBits);
        assertEquals(m.inRange(address, 8), m.entryInRange(address));
        long last = addressBits == 64 ? -1L : (1L << addressBits) - 1;
        for (long a : new long[] {last - 8, last - 7, last - 6, last, last + 1, -8L}) {
            assertEquals(m.inRange(a, 8), m.entryInRange(a), Long.toHexString(a));
        }
    }

    @Provide
    Arbitrary<Integer> addressBits() {
        return Arbitraries.integers().between(PhysicalMemory.MIN_ADDRESS_BITS, PhysicalMemory.MAX_ADDRESS_BITS);
    }

    @Property
    void write64ThenRead64RoundTrips(@ForAll long value, @ForAll("anywhere") long address) {
        PhysicalMemory m = new PhysicalMemory();
        m.write64(address, value);
        assertEquals(value, m.read64(address));
    }

    @Provide
    Arbitrary<Long> anywhere() {
        return Arbitraries.longs().between(0, (1L << 52) - 8);
    }
}
