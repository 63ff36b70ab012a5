package org.iommusim.core.cache;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One generic set-associative cache on which every vendor IOTLB, configuration cache and walk cache
 * is built. An entry is tagged by two 64-bit key words that the user packs (domain, PASID, page
 * number, page size ...) and holds one immutable value.
 *
 * <p>Lookups allocate nothing and divide nothing: keys are primitive (a set's keys are adjacent in
 * one array), storage is parallel arrays, and the value is returned as stored. An entry stays until
 * it is evicted by a fill into its full set or removed by an invalidation: nothing else drops it, so
 * a model that relies on it sees stale data exactly as hardware would until software invalidates.
 *
 * <p>Every change to a valid entry (replaced, evicted, invalidated) is visible to a {@link HitMemo}
 * over the cache: it advances the {@link CacheEpoch} the cache was given or, for a cache tracked per
 * slot (a TLB, which changes on every walk), stamps the slot with the time of the change (and keeps
 * the time of the last fill; a full invalidation still advances the epoch). {@link #lastHitSlot()}
 * tells a memo where a hit was.
 *
 * <p>Not thread-safe: a model serialises access to it.
 */
public final class TranslationCache<V> {
    private final String name;
    private final CacheConfig config;
    private final int sets;
    private final int ways;
    /** The two key words of entry i at 2i and 2i + 1: one set's keys share cache lines. */
    private final long[] keys;
    private final Object[] values;
    /** LRU: tick of last use; FIFO: tick of fill. */
    private final long[] stamp;
    private final SplittableRandom random;
    private final boolean lru;
    private final CacheEpoch epoch;
    /** Per slot, the tick of its last change; null when changes advance the epoch instead. */
    private final long[] changedAt;
    private long lastFillAt;
    private int lastHitSlot = -1;
    private int occupancy;

    private long lookups;
    private long hits;
    private long fills;
    private long evictions;
    private long invalidations;

    public TranslationCache(String name, CacheConfig config) {
        this(name, config, new CacheEpoch());
    }

    /** A cache whose entry changes advance {@code epoch} (shared by every cache a memo depends on). */
    public TranslationCache(String name, CacheConfig config, CacheEpoch epoch) {
        this(name, config, epoch, false);
    }

    /**
     * @param slotTracked changes stamp the changed slot with a tick of {@code epoch} instead of advancing
     *                    it (for a TLB under a {@link HitMemo})
     */
    public TranslationCache(String name, CacheConfig config, CacheEpoch epoch, boolean slotTracked) {
        this.epoch = java.util.Objects.requireNonNull(epoch, "epoch");
        this.changedAt = slotTracked ? new long[config.entries()] : null;
        this.name = name;
        this.config = config;
        this.sets = config.sets();
        this.ways = config.ways();
        int n = config.entries();
        this.keys = new long[2 * n];
        this.values = new Object[n];
        this.stamp = new long[n];
        this.random = new SplittableRandom(config.seed());
        this.lru = config.policy() == ReplacementPolicy.LRU;
    }

    public String name() {
        return name;
    }

    CacheEpoch epoch() {
        return epoch;
    }

    /** The stamp array when the policy is LRU (a {@link HitMemo} stamps memoised hits in it), else null. */
    long[] lruStamps() {
        return lru ? stamp : null;
    }

    public CacheConfig config() {
        return config;
    }

    /** The cached value for the key, or null on a miss. Counts a lookup. */
    @SuppressWarnings("unchecked")
    public V lookup(long k0, long k1) {
        lookups++;
        if (sets == 0) {
            return null;
        }
        int base = setOf(k0, k1) * ways;
        for (int i = base, end = base + ways; i < end; i++) {
            Object v;
            if (keys[2 * i] == k0 && keys[2 * i + 1] == k1 && (v = values[i]) != null) {
                hits++;
                if (lru) {
                    stamp[i] = epoch.nextTick();
                }
                lastHitSlot = i;
                return (V) v;
            }
        }
        return null;
    }

    /** The slot of the entry the last successful {@link #lookup} returned (for a {@link HitMemo}). */
    public int lastHitSlot() {
        return lastHitSlot;
    }

    /** Counts {@code hitCount} memoised hits that made {@code probes} probes (the memo sets their LRU stamps). */
    void creditHits(long hitCount, long probes) {
        hits += hitCount;
        lookups += probes;
    }

    /**
     * Inserts or replaces the entry for the key. When the set is full, the policy chooses a victim.
     */
    public void fill(long k0, long k1, V value) {
        if (value == null) {
            throw new NullPointerException("value");
        }
        if (sets == 0) {
            return;
        }
        fills++;
        int base = setOf(k0, k1) * ways;
        int free = -1;
        for (int i = base, end = base + ways; i < end; i++) {
            if (values[i] == null) {
                if (free < 0) {
                    free = i;
                }
            } else if (keys[2 * i] == k0 && keys[2 * i + 1] == k1) {
                values[i] = value;
                stamp[i] = epoch.nextTick();
                changed(i);
                return;
            }
        }
        int slot = free;
        if (slot < 0) {
            slot = victim(base);
            evictions++;
            changed(slot);
        } else {
            occupancy++;
        }
        keys[2 * slot] = k0;
        keys[2 * slot + 1] = k1;
        values[slot] = value;
        stamp[slot] = epoch.nextTick();
        if (changedAt != null) {
            lastFillAt = epoch.trackedChange();
        }
    }

    /** Removes the entry for exactly this key; true if there was one. */
    public boolean invalidate(long k0, long k1) {
        if (sets == 0) {
            return false;
        }
        int base = setOf(k0, k1) * ways;
        for (int i = base, end = base + ways; i < end; i++) {
            if (keys[2 * i] == k0 && keys[2 * i + 1] == k1 && values[i] != null) {
                remove(i);
                return true;
            }
        }
        return false;
    }

    /** Removes every entry the matcher selects; returns how many. */
    @SuppressWarnings("unchecked")
    public int invalidateIf(EntryMatcher<? super V> matcher) {
        int removed = 0;
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v != null && matcher.matches(keys[2 * i], keys[2 * i + 1], (V) v)) {
                remove(i);
                removed++;
            }
        }
        return removed;
    }

    /** Removes every entry; returns how many. */
    public int invalidateAll() {
        int removed = occupancy;
        if (removed > 0) {
            epoch.advance();
        }
        Arrays.fill(values, null);
        invalidations += removed;
        occupancy = 0;
        return removed;
    }

    /** Number of valid entries. */
    public int size() {
        return occupancy;
    }

    /** False when sized 0: every lookup misses and every fill is dropped, so callers need build no entry. */
    public boolean enabled() {
        return sets > 0;
    }

    public int capacity() {
        return values.length;
    }

    public CacheStatistics statistics() {
        return new CacheStatistics(lookups, hits, lookups - hits, fills, evictions, invalidations, occupancy,
                values.length);
    }

    private void remove(int i) {
        changed(i);
        values[i] = null;
        occupancy--;
        invalidations++;
    }

    private void changed(int slot) {
        if (changedAt != null) {
            changedAt[slot] = epoch.trackedChange();
        } else {
            epoch.advance();
        }
    }

    /** Per slot, the tick of its last change, or null (package-private: for {@link HitMemo}). */
    long[] changedAt() {
        return changedAt;
    }

    /** The tick of the last fill into a free or evicted slot (kept only when tracked per slot). */
    long lastFillAt() {
        return lastFillAt;
    }

    private int victim(int base) {
        if (config.policy() == ReplacementPolicy.RANDOM) {
            return base + random.nextInt(ways);
        }
        int best = base;
        for (int i = base + 1, end = base + ways; i < end; i++) {
            if (stamp[i] < stamp[best]) {
                best = i;
            }
        }
        return best;
    }

    private int setOf(long k0, long k1) {
        long h = k0 * 0x9E3779B97F4A7C15L ^ k1 * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        // The high 32 bits, scaled into [0, sets) by a multiply and a shift: as even as a remainder,
        // without the 64-bit division that dominated a hit (docs/performance.md).
        return (int) (((h >>> 32) * sets) >>> 32);
    }
}
