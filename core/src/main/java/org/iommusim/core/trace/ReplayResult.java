package org.iommusim.core.trace;

/**
 * What replaying a trace did.
 *
 * @param translations requests replayed
 * @param faults       requests refused
 * @param walkReferences page-table references made (memory reads and writes counted as PAGE_WALK)
 * @param configReferences configuration-structure fetches (CONFIG_FETCH)
 * @param checksum     XOR of every output address, so a replay can be compared with another
 * @param walks        requests that made at least one page-table reference (a cache did not answer alone)
 */
public record ReplayResult(long translations, long faults, long walkReferences, long configReferences,
                           long checksum, long walks) {
    /** Page walks per thousand requests. */
    public double walksPerThousand() {
        return translations == 0 ? 0 : 1000.0 * walks / translations;
    }

    public double walkReferencesPerTranslation() {
        return translations == 0 ? 0 : (double) walkReferences / translations;
    }
}
