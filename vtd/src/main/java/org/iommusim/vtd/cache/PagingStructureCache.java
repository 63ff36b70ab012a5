package org.iommusim.vtd.cache;

import org.iommusim.core.cache.CacheConfig;
import org.iommusim.core.cache.CacheStatistics;
import org.iommusim.core.cache.TranslationCache;

/**
 * A paging-structure cache (section 6.2.4 for the first stage, 6.2.5 for the second): for one
 * non-leaf level of a walk, the address of the next table and the permissions accumulated down to it,
 * so a later walk of the same region starts below the cached levels and reads fewer entries.
 *
 * <p>Key word 0 packs DID (15:0), PASID + 1 (36:16), the step (41:39), the number of levels (44:42);
 * key word 1 is the input-address prefix that selects the entry at that step.
 */
public final class PagingStructureCache {
    private final TranslationCache<Entry> cache;
    private final boolean enabled;
    private long hits;
    private long misses;

    /**
     * @param table next table address (host-physical, or guest-physical for a nested first stage)
     * @param flags permissions accumulated over the cached levels (format-specific bits)
     */
    public record Entry(int did, int pasid, int step, long prefix, long table, int flags) {
    }

    public PagingStructureCache(String name, CacheConfig config) {
        this.cache = new TranslationCache<>(name, config);
        this.enabled = config.entries() > 0;
    }

    private static long key0(int did, int pasid, int step, int levels) {
        return (did & 0xFFFFL) | ((long) (pasid + 1) << 16) | ((long) step << 39) | ((long) levels << 42);
    }

    /** The deepest cached step at or above {@code maxStep}, or null. */
    public Entry lookup(int did, int pasid, int levels, int step, long prefix) {
        Entry e = cache.lookup(key0(did, pasid, step, levels), prefix);
        if (e != null) {
            hits++;
        } else {
            misses++;
        }
        return e;
    }

    public void fill(int did, int pasid, int levels, int step, long prefix, long table, int flags) {
        cache.fill(key0(did, pasid, step, levels), prefix, new Entry(did, pasid, step, prefix, table, flags));
    }

    public int invalidateAll() {
        return cache.invalidateAll();
    }

    public int invalidateDomain(int did) {
        return cache.invalidateIf((k0, k1, e) -> e.did() == did);
    }

    public int invalidatePasid(int did, int pasid) {
        return cache.invalidateIf((k0, k1, e) -> e.did() == did && e.pasid() == pasid);
    }

    /** False when sized 0: walks then skip the lookups and fills altogether. */
    public boolean enabled() {
        return enabled;
    }

    public long hits() {
        return hits;
    }

    public long misses() {
        return misses;
    }

    public CacheStatistics statistics() {
        return cache.statistics();
    }
}
