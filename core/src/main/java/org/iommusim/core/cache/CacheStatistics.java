package org.iommusim.core.cache;

/** A snapshot of a cache's counters. */
public record CacheStatistics(long lookups, long hits, long misses, long fills, long evictions, long invalidations,
                              int occupancy, int capacity) {
    public double hitRate() {
        return lookups == 0 ? 0.0 : (double) hits / lookups;
    }
}
