package org.iommusim.core.walk;

import org.iommusim.core.memory.PhysicalMemory;

/**
 * Builds {@link RadixFormat} tables in physical memory, the way a driver's page-table code does:
 * tables are taken from a bump allocator starting at {@code arenaBase} and zeroed on first use.
 * Used by tests, benchmarks and teaching examples to lay out random mappings.
 */
public final class RadixTableBuilder {
    private final PhysicalMemory memory;
    private final RadixFormat format;
    private final long tableSize;
    private final long root;
    /** Host-physical address of table address 0: non-zero for tables in a guest's memory (nested). */
    private final long hostOffset;
    private long next;

    public RadixTableBuilder(PhysicalMemory memory, RadixFormat format, long arenaBase) {
        this(memory, format, arenaBase, 0);
    }

    /**
     * Builds tables in a guest's memory: addresses in entries are guest-physical, and guest-physical
     * address {@code a} is stored at host-physical {@code a + hostOffset}.
     */
    public RadixTableBuilder(PhysicalMemory memory, RadixFormat format, long arenaBase, long hostOffset) {
        this.memory = memory;
        this.format = format;
        this.hostOffset = hostOffset;
        this.tableSize = Math.max(PhysicalMemory.FRAME_SIZE, 8L << format.bitsPerLevel());
        this.next = align(arenaBase, tableSize);
        this.root = allocate();
    }

    public long root() {
        return root;
    }

    /** The first address after the tables allocated so far. */
    public long arenaEnd() {
        return next;
    }

    /** Table addresses allocated so far run from {@code arenaStart()} to {@link #arenaEnd()}. */
    public long arenaStart() {
        return root;
    }

    /**
     * Maps the page or block of {@code format.pageSize(step)} at {@code input} to {@code output}.
     *
     * @return false, changing nothing, when a different mapping already covers part of it
     */
    public boolean map(long input, long output, int step) {
        long size = format.pageSize(step);
        if ((input & (size - 1)) != 0 || (output & (size - 1)) != 0) {
            throw new IllegalArgumentException("unaligned mapping");
        }
        long table = root;
        for (int s = 0; s < step; s++) {
            long ea = format.entryAddress(table, input, s);
            long e = memory.read64(ea + hostOffset);
            if ((e & RadixFormat.PRESENT) == 0) {
                long t = allocate();
                memory.write64(ea + hostOffset, RadixFormat.tableEntry(t));
                table = t;
            } else if (format.classify(e, s) == EntryKind.TABLE) {
                table = format.nextTable(e, s);
            } else {
                return false;
            }
        }
        long ea = format.entryAddress(table, input, step);
        if ((memory.read64(ea + hostOffset) & RadixFormat.PRESENT) != 0) {
            return false;
        }
        memory.write64(ea + hostOffset, RadixFormat.leafEntry(output));
        return true;
    }

    private long allocate() {
        long t = next;
        next += tableSize;
        return t;
    }

    private static long align(long v, long a) {
        return (v + a - 1) & -a;
    }
}
