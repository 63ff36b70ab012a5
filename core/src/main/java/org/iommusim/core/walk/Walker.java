package org.iommusim.core.walk;

import org.iommusim.core.memory.AccessPurpose;
import org.iommusim.core.memory.PhysicalMemory;

/**
 * The one walker: runs any {@link PageTableFormat} from a root table to a leaf, reading one entry per
 * step and reporting each read to a {@link WalkTrace}. It decides nothing about permissions or input
 * ranges: those belong to the vendor model, which inspects the returned entries.
 */
public final class Walker {
    private Walker() {
    }

    /** Walks {@code input} from the root table at {@code root}. */
    public static WalkResult walk(PhysicalMemory memory, PageTableFormat format, long root, long input, int stage,
                                  WalkTrace trace) {
        return walkFrom(memory, format, 0, root, input, stage, trace);
    }

    /**
     * Walks from {@code startStep}, whose table is at {@code table}: a paging-structure or walk cache
     * hit lets a vendor skip the steps above it.
     */
    public static WalkResult walkFrom(PhysicalMemory memory, PageTableFormat format, int startStep, long table,
                                      long input, int stage, WalkTrace trace) {
        return walkFrom(memory, format, startStep, table, input, stage, trace, new long[format.levels()],
                new long[format.levels()]);
    }

    /**
     * {@link #walkFrom(PhysicalMemory, PageTableFormat, int, long, long, int, WalkTrace)} recording the
     * entries and their addresses in the caller's arrays (at least {@code format.levels()} long), which
     * the result then refers to: a model that walks often and keeps each result only while it translates
     * one request reuses its arrays instead of allocating two per walk. Only the steps from
     * {@code startStep} to the result's step are written; the caller must not reuse the arrays while it
     * still uses the result.
     */
    public static WalkResult walkFrom(PhysicalMemory memory, PageTableFormat format, int startStep, long table,
                                      long input, int stage, WalkTrace trace, long[] entries, long[] addresses) {
        int levels = checkShape(format, startStep, entries, addresses);
        // kept small (the JIT inlines a method of at most 325 bytecodes into its hot callers): how a walk
        // ends is decided in end(), outside the loop
        for (int step = startStep; ; step++) {
            long entryAddress = format.entryAddress(table, input, step);
            addresses[step] = entryAddress;
            if (!memory.entryInRange(entryAddress)) {
                return new WalkResult(WalkResult.Status.ABORT, stage, startStep, step, format.level(step),
                        entryAddress, 0, entries, addresses);
            }
            long entry = memory.readEntry(entryAddress, AccessPurpose.PAGE_WALK);
            trace.reference(stage, format.level(step), entryAddress, entry);
            entries[step] = entry;
            EntryKind kind = format.classify(entry, step);
            if (kind != EntryKind.TABLE || step == levels - 1) {
                return end(format, kind, stage, startStep, step, entry, entries, addresses);
            }
            table = format.nextTable(entry, step);
        }
    }

    /** The result of a walk that ended at {@code step} on an entry that is not a table to follow. */
    private static WalkResult end(PageTableFormat format, EntryKind kind, int stage, int startStep, int step, long entry,
                          long[] entries, long[] addresses) {
        // an if chain, not a switch: a switch on an enum loads a synthetic ordinal map
        if (kind == EntryKind.LEAF) {
            return new WalkResult(WalkResult.Status.OK, stage, startStep, step, format.level(step),
                    format.outputAddress(entry, step), format.pageSize(step), entries, addresses);
        }
        // a table entry at the last step points nowhere: the format's reserved case
        WalkResult.Status status = kind == EntryKind.INVALID ? WalkResult.Status.INVALID : WalkResult.Status.RESERVED;
        return new WalkResult(status, stage, startStep, step, format.level(step), 0, 0, entries, addresses);
    }

    /** The format's number of levels, after checking the start step and the arrays against it. */
    private static int checkShape(PageTableFormat format, int startStep, long[] entries, long[] addresses) {
        int levels = format.levels();
        if (startStep < 0 || startStep >= levels || entries.length < levels || addresses.length < levels) {
            throw new IllegalArgumentException("start step " + startStep + " outside 0.." + (levels - 1)
                    + " or arrays shorter than the format's " + levels + " levels");
        }
        return levels;
    }
}
