package org.iommusim.core.cache;

/**
 * The shared clock of a group of caches (one model's). Its epoch advances whenever state a
 * {@link HitMemo} depends on may have changed: an entry of a {@link TranslationCache} replaced, evicted
 * or invalidated, or (advanced by the model) a register written. A memo entry remembers the epoch at
 * which it was made and is dead once it moves. Fills into free slots do not advance it: they change no
 * entry a memo could have copied.
 *
 * <p>Its ticks order uses: every cache of the group stamps entries (LRU: last use, FIFO: fill) from
 * this one counter, so a memo can stamp all the entries one hit uses with a single tick.
 */
public final class CacheEpoch {
    private long value;
    private long tick;
    private long trackedChangeAt;

    public long value() {
        return value;
    }

    public void advance() {
        value++;
    }

    /** A new tick, later than every tick handed out before. */
    public long nextTick() {
        return ++tick;
    }

    /**
     * The tick of the latest change or fill in a cache tracked per slot: a {@link HitMemo} entry used
     * after it needs no closer look at its TLB slot.
     */
    long trackedChangeAt() {
        return trackedChangeAt;
    }

    /** A new tick, recorded as the latest change or fill in a cache tracked per slot. */
    long trackedChange() {
        trackedChangeAt = ++tick;
        return trackedChangeAt;
    }
}
