package org.iommusim.smmu.v2.driver;

/**
 * A bump allocator over one address range, for page tables: every allocation is aligned to its size
 * and never reused, so the tables it hands out start zeroed in a fresh simulated memory.
 */
public final class Allocator {
    private final long end;
    private long next;

    public Allocator(long base, long size) {
        this.next = base;
        this.end = base + size;
    }

    /** {@code size} bytes aligned to {@code size} (a power of two). */
    public long allocate(long size) {
        long address = (next + size - 1) & -size;
        if (address + size > end || address + size < address) {
            throw new IllegalStateException("page-table memory exhausted");
        }
        next = address + size;
        return address;
    }
}
