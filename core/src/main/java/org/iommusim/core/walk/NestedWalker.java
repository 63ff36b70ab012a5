package org.iommusim.core.walk;

import org.iommusim.core.memory.AccessPurpose;
import org.iommusim.core.memory.PhysicalMemory;

/**
 * Composes a stage-1 format over a {@link StageTwo}: every stage-1 table entry address is an IPA that
 * stage 2 translates before the entry is read, and so is the stage-1 output. A cold walk of an n-level
 * stage 1 over an m-level stage 2 therefore reads (n+1)(m+1)-1 entries: n stage-2 walks for the table
 * entries, n stage-1 entries, and one stage-2 walk for the output (24 for 4 over 4, 35 for 5 over 5).
 *
 * <p>The entry addresses recorded in the stage-1 result are host-physical, so a vendor can write back
 * accessed/dirty flags without translating them again.
 */
public final class NestedWalker {
    private NestedWalker() {
    }

    public static NestedWalkResult walk(PhysicalMemory memory, PageTableFormat stage1, long rootIpa, long input,
                                        StageTwo stage2, WalkTrace trace) {
        return walkFrom(memory, stage1, 0, rootIpa, input, stage2, trace);
    }

    /** Walks from {@code startStep}, whose stage-1 table is at the IPA {@code tableIpa}. */
    public static NestedWalkResult walkFrom(PhysicalMemory memory, PageTableFormat stage1, int startStep,
                                            long tableIpa, long input, StageTwo stage2, WalkTrace trace) {
        return walkFrom(memory, stage1, startStep, tableIpa, input, stage2, trace, new long[stage1.levels()],
                new long[stage1.levels()]);
    }

    /**
     * {@link #walkFrom(PhysicalMemory, PageTableFormat, int, long, long, StageTwo, WalkTrace)} recording the
     * stage-1 entries and their host-physical addresses in the caller's arrays, as
     * {@link Walker#walkFrom(PhysicalMemory, PageTableFormat, int, long, long, int, WalkTrace, long[], long[])}
     * does: the caller must not reuse them while it still uses the result.
     */
    public static NestedWalkResult walkFrom(PhysicalMemory memory, PageTableFormat stage1, int startStep,
                                            long tableIpa, long input, StageTwo stage2, WalkTrace trace,
                                            long[] entries, long[] addresses) {
        int levels = stage1.levels();
        if (startStep < 0 || startStep >= levels) {
            throw new IllegalArgumentException("start step " + startStep + " outside 0.." + (levels - 1));
        }
        if (entries.length < levels || addresses.length < levels) {
            throw new IllegalArgumentException("arrays shorter than the format's " + levels + " levels");
        }
        long table = tableIpa;
        for (int step = startStep; step < levels; step++) {
            int level = stage1.level(step);
            long entryIpa = stage1.entryAddress(table, input, step);
            WalkResult s2 = stage2.translate(entryIpa, true, trace);
            if (!s2.ok()) {
                WalkResult partial = new WalkResult(WalkResult.Status.ABORT, 1, startStep, step, level, 0, 0,
                        entries, addresses);
                return new NestedWalkResult(NestedWalkResult.Status.STAGE2_FAULT, partial, s2, entryIpa, true, 0, 0);
            }
            long entryAddress = s2.translate(entryIpa);
            addresses[step] = entryAddress;
            if (!memory.entryInRange(entryAddress)) {
                WalkResult abort = new WalkResult(WalkResult.Status.ABORT, 1, startStep, step, level, entryAddress, 0,
                        entries, addresses);
                return new NestedWalkResult(NestedWalkResult.Status.STAGE1_FAULT, abort, s2, entryIpa, true, 0, 0);
            }
            long entry = memory.readEntry(entryAddress, AccessPurpose.PAGE_WALK);
            trace.reference(1, level, entryAddress, entry);
            entries[step] = entry;
            EntryKind kind = stage1.classify(entry, step);
            if (kind == EntryKind.TABLE && step == levels - 1) {
                kind = EntryKind.RESERVED;
            }
            if (kind == EntryKind.INVALID || kind == EntryKind.RESERVED) {
                WalkResult.Status status = kind == EntryKind.INVALID
                        ? WalkResult.Status.INVALID : WalkResult.Status.RESERVED;
                WalkResult failed = new WalkResult(status, 1, startStep, step, level, 0, 0, entries, addresses);
                return new NestedWalkResult(NestedWalkResult.Status.STAGE1_FAULT, failed, s2, entryIpa, true, 0, 0);
            }
            if (kind == EntryKind.LEAF) {
                long outIpaBase = stage1.outputAddress(entry, step);
                long s1Size = stage1.pageSize(step);
                WalkResult s1 = new WalkResult(WalkResult.Status.OK, 1, startStep, step, level, outIpaBase, s1Size,
                        entries, addresses);
                long outIpa = outIpaBase | (input & (s1Size - 1));
                WalkResult fin = stage2.translate(outIpa, false, trace);
                if (!fin.ok()) {
                    return new NestedWalkResult(NestedWalkResult.Status.STAGE2_FAULT, s1, fin, outIpa, false, 0, 0);
                }
                long size = Math.min(s1Size, fin.pageSize());
                long out = fin.translate(outIpa) & ~(size - 1);
                return new NestedWalkResult(NestedWalkResult.Status.OK, s1, fin, outIpa, false, out, size);
            }
            table = stage1.nextTable(entry, step);
        }
        throw new AssertionError("unreachable: the last step always ends the walk");
    }
}
