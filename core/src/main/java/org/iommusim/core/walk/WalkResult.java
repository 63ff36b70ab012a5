package org.iommusim.core.walk;

/**
 * The outcome of one single-stage walk.
 *
 * <p>{@code entries[i]} and {@code entryAddresses[i]} hold the entry read at step {@code i} and its
 * host-physical address, for the steps from {@code firstStep} to {@code step}; vendors use them to
 * combine permissions along the walk and to write back accessed/dirty flags. The arrays belong to
 * this result: do not modify them.
 *
 * @param status         how the walk ended
 * @param stage          1 or 2
 * @param firstStep      the step the walk started at (above 0 when a paging-structure cache skipped levels)
 * @param step           the step at which the walk ended (the leaf, or the failing step)
 * @param level          the specification's level number of {@code step}
 * @param address        {@link Status#OK}: output address of the page; {@link Status#ABORT}: the entry
 *                       address that could not be read; otherwise 0
 * @param pageSize       {@link Status#OK}: size of the page or block; otherwise 0
 * @param entries        entries read, indexed by step
 * @param entryAddresses their host-physical addresses, indexed by step
 */
public record WalkResult(Status status, int stage, int firstStep, int step, int level, long address, long pageSize,
                         long[] entries, long[] entryAddresses) {

    public enum Status {
        /** A leaf was found. */
        OK,
        /** An entry was not present/valid. */
        INVALID,
        /** An entry had reserved bits set or was not allowed at its level. */
        RESERVED,
        /** An entry's address does not exist in physical memory (an external abort). */
        ABORT,
        /** The walk itself succeeded but the vendor refused it (permission, address size...). */
        DENIED
    }

    public boolean ok() {
        return status == Status.OK;
    }

    /** The output address of {@code input}, for an {@link Status#OK} walk. */
    public long translate(long input) {
        return address | (input & (pageSize - 1));
    }

    /** The leaf entry, for an {@link Status#OK} walk; the failing entry otherwise (0 for ABORT). */
    public long lastEntry() {
        return entries[step];
    }

    /** The same walk marked {@link Status#DENIED} by the vendor. */
    public WalkResult denied() {
        return new WalkResult(Status.DENIED, stage, firstStep, step, level, address, pageSize, entries,
                entryAddresses);
    }

    /**
     * A one-step OK result standing for a translation found in a cache (no entries read). Its one-entry
     * arrays are shared by every such result and hold 0, as the arrays of any result must not be modified.
     */
    public static WalkResult cached(int stage, long pageBase, long pageSize, int level) {
        return new WalkResult(Status.OK, stage, 0, 0, level, pageBase, pageSize, NOTHING_READ, NOTHING_READ);
    }

    private static final long[] NOTHING_READ = new long[1];
}
