package org.iommusim.core.walk;

/**
 * How one page-table format is laid out: how many levels a walk visits, which input bits index each
 * level, and how an entry decodes. One {@link Walker} runs any format; vendors describe theirs
 * (IA-32e first stage, VT-d second stage, VMSAv8-64 for each granule) by implementing this.
 *
 * <p>Steps are numbered in walk order, 0 being the root table. {@link #level(int)} maps a step to the
 * level number the specification uses in its faults and traces (x86: 5..1 or 4..1; Arm: 0..3 or -1..3).
 * A format instance is configured for one walk shape (one number of levels, one granule) and is
 * immutable.
 */
public interface PageTableFormat {
    /** A short name for traces and explanations, for example "x86-4level" or "vmsav8-4k-s2". */
    String name();

    /** Number of steps from the root table to the smallest page. */
    int levels();

    /** Lowest input-address bit of the index used at this step (also log2 of a leaf's size there). */
    int indexShift(int step);

    /** Width of the index at this step (the root step may be wider, e.g. concatenated tables). */
    int indexBits(int step);

    /** The specification's level number for this step. */
    int level(int step);

    /** Decodes an entry read at this step. Must not return {@link EntryKind#TABLE} at the last step. */
    EntryKind classify(long entry, int step);

    /** Address of the next table, for an entry classified {@link EntryKind#TABLE}. */
    long nextTable(long entry, int step);

    /** Output address of the page or block, for an entry classified {@link EntryKind#LEAF}. */
    long outputAddress(long entry, int step);

    /** Size of the page or block a leaf maps at this step. */
    default long pageSize(int step) {
        return 1L << indexShift(step);
    }

    /** Number of input-address bits the root step covers. */
    default int inputBits() {
        return indexShift(0) + indexBits(0);
    }

    /** Address of the 8-byte entry for {@code input} in the table at {@code table}. */
    default long entryAddress(long table, long input, int step) {
        long index = (input >>> indexShift(step)) & ((1L << indexBits(step)) - 1);
        return table + (index << 3);
    }
}
