package org.iommusim.testkit.invariant;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongPredicate;

import org.iommusim.core.memory.AccessPurpose;
import org.iommusim.core.memory.PhysicalMemory;

/**
 * Nothing reaches host memory outside what a VM owns: {@link #guard} fills bait frames with a pattern and
 * remembers every frame outside the allowed memory; {@link Guard#check} then finds each such frame that
 * changed and each frame written for the first time outside the allowed memory. Comparing memory, not
 * output addresses, also catches table walks, accessed/dirty updates and fault or event writes that
 * land where they must not.
 */
public final class Isolation {
    /** The bait pattern: a byte no page-table format reads as a harmless zero entry. */
    public static final byte PATTERN = (byte) 0xA5;

    private Isolation() {
    }

    /**
     * Plants a bait frame at each of {@code bait} (those outside {@code allowed}) and snapshots every
     * frame outside {@code allowed}; {@code allowed} says which frame addresses may change.
     */
    public static Guard guard(PhysicalMemory memory, LongPredicate allowed, long... bait) {
        byte[] pattern = new byte[PhysicalMemory.FRAME_SIZE];
        Arrays.fill(pattern, PATTERN);
        for (long a : bait) {
            long frame = a & ~(long) (PhysicalMemory.FRAME_SIZE - 1);
            if (!allowed.test(frame) && memory.inRange(frame, PhysicalMemory.FRAME_SIZE)) {
                memory.writeBytes(frame, pattern, 0, pattern.length, AccessPurpose.SOFTWARE);
            }
        }
        Map<Long, byte[]> frozen = new HashMap<>();
        for (long fn : memory.frameNumbers()) {
            long frame = fn << PhysicalMemory.FRAME_SHIFT;
            if (!allowed.test(frame)) {
                frozen.put(fn, contents(memory, frame));
            }
        }
        return new Guard(memory, allowed, frozen);
    }

    private static byte[] contents(PhysicalMemory memory, long frame) {
        byte[] b = new byte[PhysicalMemory.FRAME_SIZE];
        memory.readBytes(frame, b, 0, b.length, AccessPurpose.SOFTWARE);
        return b;
    }

    /** The memory outside the allowed frames as it was when the guard was set. */
    public static final class Guard {
        private final PhysicalMemory memory;
        private final LongPredicate allowed;
        private final Map<Long, byte[]> frozen;

        private Guard(PhysicalMemory memory, LongPredicate allowed, Map<Long, byte[]> frozen) {
            this.memory = memory;
            this.allowed = allowed;
            this.frozen = frozen;
        }

        /** The number of frames being watched. */
        public int watchedFrames() {
            return frozen.size();
        }

        /** Throws AssertionError naming the first frame outside the allowed memory that was written. */
        public void check() {
            for (long fn : memory.frameNumbers()) {
                long frame = fn << PhysicalMemory.FRAME_SHIFT;
                if (allowed.test(frame)) {
                    continue;
                }
                byte[] before = frozen.get(fn);
                if (before == null) {
                    throw new AssertionError(String.format("frame 0x%x, outside the allowed memory, was written", frame));
                }
                byte[] now = contents(memory, frame);
                int i = Arrays.mismatch(before, now);
                if (i >= 0) {
                    throw new AssertionError(String.format("0x%x, outside the allowed memory, changed from 0x%02x to 0x%02x",
                            frame + i, before[i] & 0xFF, now[i] & 0xFF));
                }
            }
        }
    }
}
