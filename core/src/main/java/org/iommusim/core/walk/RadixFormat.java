package org.iommusim.core.walk;

/**
 * A generic radix-tree page-table format for teaching and for testing the walker on shapes no vendor
 * has: {@code levels} levels of {@code bitsPerLevel} index bits above {@code pageShift}.
 *
 * <p>Entry layout (64 bits): bit 0 present; bit 1 leaf (allowed at the last level, and above it only
 * where {@code blockSteps} has the step's bit set); bits 62:12 the address of the next table or of the
 * page, which must be aligned to the page size; bit 63 reserved (an entry with it set is malformed).
 */
public record RadixFormat(int levels, int bitsPerLevel, int pageShift, int blockSteps) implements PageTableFormat {
    public static final long PRESENT = 1L;
    public static final long LEAF = 1L << 1;
    public static final long RESERVED_BIT = 1L << 63;
    public static final long ADDRESS_MASK = 0x7FFF_FFFF_FFFF_F000L;

    public RadixFormat {
        if (levels < 1 || bitsPerLevel < 1 || pageShift < 12 || pageShift + levels * bitsPerLevel > 63) {
            throw new IllegalArgumentException("unsupported radix shape");
        }
    }

    /** The x86-like shape: {@code levels} levels of 9 bits over 4 KiB pages, no blocks. */
    public static RadixFormat ofLevels(int levels) {
        return new RadixFormat(levels, 9, 12, 0);
    }

    @Override
    public String name() {
        return "radix-" + levels + "x" + bitsPerLevel + "@" + pageShift;
    }

    @Override
    public int indexShift(int step) {
        return pageShift + (levels - 1 - step) * bitsPerLevel;
    }

    @Override
    public int indexBits(int step) {
        return bitsPerLevel;
    }

    @Override
    public int level(int step) {
        return levels - step;
    }

    @Override
    public EntryKind classify(long entry, int step) {
        if ((entry & PRESENT) == 0) {
            return EntryKind.INVALID;
        }
        if ((entry & RESERVED_BIT) != 0) {
            return EntryKind.RESERVED;
        }
        boolean last = step == levels - 1;
        if ((entry & LEAF) != 0 || last) {
            if (!last && (blockSteps & (1 << step)) == 0) {
                return EntryKind.RESERVED;
            }
            return (entry & ADDRESS_MASK & (pageSize(step) - 1)) != 0 ? EntryKind.RESERVED : EntryKind.LEAF;
        }
        return EntryKind.TABLE;
    }

    @Override
    public long nextTable(long entry, int step) {
        return entry & ADDRESS_MASK;
    }

    @Override
    public long outputAddress(long entry, int step) {
        return entry & ADDRESS_MASK;
    }

    /** A table entry pointing at {@code table}. */
    public static long tableEntry(long table) {
        return (table & ADDRESS_MASK) | PRESENT;
    }

    /** A leaf entry mapping {@code page}. */
    public static long leafEntry(long page) {
        return (page & ADDRESS_MASK) | PRESENT | LEAF;
    }
}
