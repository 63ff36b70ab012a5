package org.iommusim.smmu.v3.cache;

import org.iommusim.core.cache.CacheConfig;
import org.iommusim.core.cache.CacheStatistics;
import org.iommusim.core.cache.TranslationCache;
import org.iommusim.core.walk.PageTableFormat;

/**
 * A walk cache (IHI 0070 16.2: intermediate table entries): for a tag (stage, VMID, ASID, TTB half) and
 * the input bits a table descriptor resolves (key: the input shifted by the descriptor's index shift,
 * and that shift), the next table's address. A walk starts from the deepest
 * cached table instead of the root. Non-leaf TLBI commands and the all-entries forms remove entries.
 */
public final class WalkCache {
    private static final long INPUT_MASK = 0x00FF_FFFF_FFFF_FFFFL;

    private final TranslationCache<WalkCacheEntry> cache;

    public WalkCache(String name, CacheConfig config) {
        this.cache = new TranslationCache<>(name, config);
    }

    /** The tag of a walk: stage (1/2), VMID, ASID, TTB half and the format's granule. */
    public static long tag(int stage, int vmid, int asid, int half, int granuleShift) {
        return (vmid & 0xFFFFL) | ((asid & 0xFFFFL) << 16) | ((long) stage << 32) | ((long) half << 34)
                | ((long) granuleShift << 36);
    }

    public static int vmidOf(long tag) {
        return (int) (tag & 0xFFFF);
    }

    public static int asidOf(long tag) {
        return (int) ((tag >>> 16) & 0xFFFF);
    }

    public static int stageOf(long tag) {
        return (int) ((tag >>> 32) & 3);
    }

    private static long key1(long input, PageTableFormat format, int step) {
        int shift = format.indexShift(step - 1);
        return (((input & INPUT_MASK) >>> shift) << 8) | shift;
    }

    /**
     * The deepest cached table on the way to {@code input} at a level this format walks below its start
     * level, or null.
     */
    public WalkCacheEntry lookup(long tag, PageTableFormat format, long input) {
        for (int step = format.levels() - 1; step >= 1; step--) {
            WalkCacheEntry e = cache.lookup(tag, key1(input, format, step));
            if (e != null && e.level() == format.level(step)) {
                return e;
            }
        }
        return null;
    }

    /** Records the tables a walk went through: {@code entries[s]} for the steps from {@code from} to {@code leaf}. */
    public void fill(long tag, PageTableFormat format, long input, long[] entries, int from, int leaf,
                     long firstTableBits, java.util.function.LongUnaryOperator nextTable,
                     java.util.function.LongUnaryOperator tableBitsOf) {
        if (!enabled()) {
            return;
        }
        long bits = firstTableBits;
        for (int s = from; s < leaf; s++) {
            bits |= tableBitsOf.applyAsLong(entries[s]);
            cache.fill(tag, key1(input, format, s + 1),
                    new WalkCacheEntry(format.level(s + 1), nextTable.applyAsLong(entries[s]), bits));
        }
    }

    /** False when sized 0: walks then skip the fill (and the entries it would build) altogether. */
    public boolean enabled() {
        return cache.enabled();
    }

    /** Removes the entries whose tag the predicate selects. */
    public int invalidateTags(java.util.function.LongPredicate which) {
        return cache.invalidateIf((k0, k1, e) -> which.test(k0));
    }

    public int invalidateAll() {
        return cache.invalidateAll();
    }

    public int size() {
        return cache.size();
    }

    public CacheStatistics statistics() {
        return cache.statistics();
    }
}
