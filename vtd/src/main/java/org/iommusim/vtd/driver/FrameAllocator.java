package org.iommusim.vtd.driver;

import org.iommusim.core.memory.PhysicalMemory;

/** The driver's page allocator: hands out zeroed 4 KiB frames from a region of physical memory. */
public final class FrameAllocator {
    public static final long FRAME = 4096;
    private final PhysicalMemory memory;
    private long next;
    private final long end;

    public FrameAllocator(PhysicalMemory memory, long start, long end) {
        if ((start & (FRAME - 1)) != 0 || Long.compareUnsigned(start, end) >= 0 || !memory.inRange(start, end - start)) {
            throw new IllegalArgumentException("bad allocator region");
        }
        this.memory = memory;
        this.next = start;
        this.end = end;
    }

    /** A zeroed frame, or an exception when the region is exhausted (a driver configuration bug). */
    public long allocate() {
        if (Long.compareUnsigned(next + FRAME, end) > 0) {
            throw new IllegalStateException("driver frame region exhausted");
        }
        long f = next;
        next += FRAME;
        memory.writeBytes(f, new byte[(int) FRAME], 0, (int) FRAME);
        return f;
    }
}
