package org.iommusim.vtd.translation;

import org.iommusim.core.bits.Bits;
import org.iommusim.core.memory.AccessPurpose;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Permissions;
import org.iommusim.core.walk.WalkResult;
import org.iommusim.core.walk.WalkTrace;
import org.iommusim.core.walk.Walker;
import org.iommusim.vtd.cache.PagingStructureCache;
import org.iommusim.vtd.secondstage.SecondStageFormat;

/**
 * One second-stage walk (section 3.7) through the second-stage paging-structure cache: starts below the
 * deepest cached level, combines R/W/X down the walk (an access is allowed only if every level allows
 * it), and fills the cache with the non-leaf levels it read.
 */
final class SecondStageWalk {
    private final PhysicalMemory memory;
    private final PagingStructureCache psc;
    /** R/W/X (as {@link Permissions} bits, which share the entry's bit positions) of the last walk. */
    int flags;
    /**
     * Slots of walk arrays reused from one translation to the next: a translation keeps at most one
     * second-stage walk per first-stage table step (up to five) and one for its output, and none after it
     * returns. Slot {@link #OUTPUT_SLOT} is the output's; a legacy or second-stage-only walk uses slot 0.
     */
    static final int OUTPUT_SLOT = 5;
    private final long[][] entries = new long[OUTPUT_SLOT + 1][5];
    private final long[][] addresses = new long[OUTPUT_SLOT + 1][5];

    SecondStageWalk(PhysicalMemory memory, PagingStructureCache psc) {
        this.memory = memory;
        this.psc = psc;
    }

    /**
     * @param slot the walk arrays to record into ({@link #OUTPUT_SLOT} or a first-stage step); the result
     *             is valid until the next walk with the same slot
     */
    WalkResult walk(int did, SecondStageFormat format, long root, long input, WalkTrace trace, int slot) {
        int levels = format.levels();
        int startStep = 0;
        long table = root;
        int acc = Permissions.RWX;
        if (psc.enabled()) {
            for (int step = levels - 2; step >= 0; step--) {
                PagingStructureCache.Entry e = psc.lookup(did, -1, levels, step, input >>> format.indexShift(step));
                if (e != null) {
                    startStep = step + 1;
                    table = e.table();
                    acc = e.flags();
                    break;
                }
            }
        }
        WalkResult r = Walker.walkFrom(memory, format, startStep, table, input, 2, trace, entries[slot],
                addresses[slot]);
        long[] entries = r.entries();
        int last = r.ok() ? r.step() : r.step() - 1;
        for (int s = startStep; s <= last; s++) {
            acc &= (int) (entries[s] & Permissions.RWX);
            if (s < r.step() && psc.enabled()) {
                psc.fill(did, -1, levels, s, input >>> format.indexShift(s), format.nextTable(entries[s], s), acc);
            }
        }
        flags = acc;
        return r;
    }

    /** Sets A on every entry the walk read and, for a write, D on the leaf (SSADE=1, section 3.7.4). */
    void updateAccessedDirty(WalkResult r, boolean write) {
        long[] entries = r.entries();
        long[] addresses = r.entryAddresses();
        for (int s = r.firstStep(); s <= r.step(); s++) {
            long e = entries[s];
            long updated = Bits.withBit(e, SecondStageFormat.A, true);
            if (write && s == r.step()) {
                updated = Bits.withBit(updated, SecondStageFormat.D, true);
            }
            if (updated != e) {
                memory.compareAndSet64(addresses[s], e, updated, AccessPurpose.PAGE_WALK);
            }
        }
    }
}
