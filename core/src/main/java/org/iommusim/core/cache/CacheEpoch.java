package org.iommusim.core.cache;

/**
 * A counter that advances whenever state a {@link HitMemo} depends on may have changed: an entry of a
 * {@link TranslationCache} replaced, evicted or invalidated, or (advanced by the model) a register
 * written. A memo entry remembers the value at which it was made and is dead once the value moves.
 *
 * <p>Fills into free slots do not advance it: they change no entry a memo could have copied.
 */
public final class CacheEpoch {
    private long value;

    public long value() {
        return value;
    }

    public void advance() {
        value++;
    }
}
