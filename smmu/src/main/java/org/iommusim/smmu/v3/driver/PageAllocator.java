package org.iommusim.smmu.v3.driver;

import org.iommusim.core.memory.PhysicalMemory;

/**
 * The host driver's physical memory allocator: hands out zeroed, aligned regions from one window of
 * physical memory, never reusing them (the simulations are short; freed tables are simply dropped).
 */
public final class PageAllocator {
    private final PhysicalMemory memory;
    private final long limit;
    private long next;

    public PageAllocator(PhysicalMemory memory, long base, long limit) {
        this.memory = memory;
        this.next = base;
        this.limit = limit;
    }

    /** A zeroed region of {@code size} bytes aligned to {@code align} (a power of two). */
    public long allocate(long size, long align) {
        long a = (next + align - 1) & -align;
        if (a + size > limit || a < next) {
            throw new IllegalStateException("driver memory window exhausted");
        }
        next = a + size;
        for (long p = a; p < a + size; p += 8) {
            memory.write64(p, 0);
        }
        return a;
    }

    public long allocatePage(long size) {
        return allocate(size, size);
    }
}
