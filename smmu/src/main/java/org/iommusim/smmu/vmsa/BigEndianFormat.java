package org.iommusim.smmu.vmsa;

import org.iommusim.core.walk.EntryKind;
import org.iommusim.core.walk.PageTableFormat;

/**
 * A translation table format whose descriptors are stored big-endian (Arm ARM SCTLR.EE / TCR-style
 * endianness controls; SMMUv3 CD.ENDI and STE.S2ENDI): the walker reads each 8-byte entry as it is in
 * memory (little-endian), and this format swaps the bytes before the underlying format decodes it.
 * Vendors use {@link #value(long)} for every entry they decode themselves and {@link #stored(long)} for
 * every entry they write back.
 */
public record BigEndianFormat(PageTableFormat format) implements PageTableFormat {
    /** The descriptor value of an entry as read from memory. */
    public static long value(long stored) {
        return Long.reverseBytes(stored);
    }

    /** The memory image of a descriptor value. */
    public static long stored(long value) {
        return Long.reverseBytes(value);
    }

    @Override
    public String name() {
        return format.name() + "-be";
    }

    @Override
    public int levels() {
        return format.levels();
    }

    @Override
    public int indexShift(int step) {
        return format.indexShift(step);
    }

    @Override
    public int indexBits(int step) {
        return format.indexBits(step);
    }

    @Override
    public int level(int step) {
        return format.level(step);
    }

    @Override
    public EntryKind classify(long entry, int step) {
        return format.classify(value(entry), step);
    }

    @Override
    public long nextTable(long entry, int step) {
        return format.nextTable(value(entry), step);
    }

    @Override
    public long outputAddress(long entry, int step) {
        return format.outputAddress(value(entry), step);
    }

    @Override
    public long pageSize(int step) {
        return format.pageSize(step);
    }

    @Override
    public int inputBits() {
        return format.inputBits();
    }

    @Override
    public long entryAddress(long table, long input, int step) {
        return format.entryAddress(table, input, step);
    }
}
