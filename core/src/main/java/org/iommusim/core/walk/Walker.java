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
        int levels = format.levels();
        if (startStep < 0 || startStep >= levels) {
            throw new IllegalArgumentException("start step " + startStep + " outside 0.." + (levels - 1));
        }
        if (entries.length < levels || addresses.length < levels) {
            throw new IllegalArgumentException("arrays shorter than the format's " + levels + " levels");
        }
        for (int step = startStep; step < levels; step++) {
            long entryAddress = format.entryAddress(table, input, step);
            addresses[step] = entryAddress;
            int level = format.level(step);
            if (!memory.inRange(entryAddress, 8)) {
                return new WalkResult(WalkResult.Status.ABORT, stage, startStep, step, level, entryAddress, 0,
                        entries, addresses);
            }
            long entry = memory.readEntry(entryAddress, AccessPurpose.PAGE_WALK);
            trace.reference(stage, level, entryAddress, entry);
            entries[step] = entry;
            EntryKind kind = format.classify(entry, step);
            if (kind == EntryKind.TABLE && step == levels - 1) {
                kind = EntryKind.RESERVED;
            }
            // an if chain, not a switch: a switch on an enum loads a synthetic ordinal map on every step
            if (kind == EntryKind.TABLE) {
                table = format.nextTable(entry, step);
            } else if (kind == EntryKind.LEAF) {
                return new WalkResult(WalkResult.Status.OK, stage, startStep, step, level,
                        format.outputAddress(entry, step), format.pageSize(step), entries, addresses);
            } else {
                return new WalkResult(kind == EntryKind.INVALID ? WalkResult.Status.INVALID
                        : WalkResult.Status.RESERVED, stage, startStep, step, level, 0, 0, entries, addresses);
            }
        }
        throw new AssertionError("unreachable: the last step always ends the walk");
    }
}
