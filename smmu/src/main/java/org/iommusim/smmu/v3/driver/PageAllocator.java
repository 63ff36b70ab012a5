package org.iommusim.smmu.v3.driver;

/**
 * A driver's memory allocator: hands out zeroed, aligned regions from one window of its address space
 * (host-physical, or a guest's IPAs), never reusing them (the simulations are short; freed tables are simply dropped).
 */
public final class PageAllocator {
    private final DriverMemory memory;
    private final long limit;
    private long next;

    public PageAllocator(DriverMemory memory, long base, long limit) {
        this.memory = memory;
        this.next = base;
        this.limit = limit;
    }

    public DriverMemory memory() {
        return memory;
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
