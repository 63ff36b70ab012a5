package org.iommusim.core.cache;

import java.util.Arrays;

import org.iommusim.core.request.TranslationResult;

/**
 * A memo of the hit path: for a request key (packed by the model: requester, PASID, access kind,
 * 4 KiB input page) it remembers the result a full lookup returned when every cache the model consulted
 * hit, and where those hits were, so the next identical request skips the probes. It is not an
 * architectural structure and changes nothing a model shows: the model replays each remembered hit
 * through {@link TranslationCache#replayHit} (counters and LRU stamps move exactly as the full lookup
 * would move them), and an entry dies as soon as the {@link CacheEpoch} it was made at advances (any
 * cached entry replaced, evicted or invalidated, any register written). A request whose full lookup
 * would walk, fill or fault is never memoised: only a lookup that touched no memory and changed no entry
 * can be repeated this way.
 *
 * <p>Direct-mapped over primitive arrays; a lookup allocates nothing. Each entry holds two key words,
 * its epoch and {@code dataWords} longs of the model's own (cache slots and probe counts). Not
 * thread-safe, like the caches it mirrors.
 */
public final class HitMemo {
    /** Entries of a model's memo: 4,096 keep 64 hot pages almost free of conflicts (docs/performance.md). */
    public static final int DEFAULT_ENTRIES_LOG2 = 12;
    private static final int K0 = 0, K1 = 1, EPOCH = 2, DATA = 3;
    /** An epoch no memo entry can match: the counter starts at 0 and only grows. */
    private static final long DEAD = -1;

    private final CacheEpoch epoch;
    private final int shift;
    private final int stride;
    /** Entry i occupies {@code words[i * stride .. i * stride + stride)}: one or two host cache lines. */
    private final long[] words;
    private final TranslationResult[] results;
    private boolean enabled = true;

    public HitMemo(int entriesLog2, int dataWords, CacheEpoch epoch) {
        if (entriesLog2 < 1 || entriesLog2 > 20) {
            throw new IllegalArgumentException("entriesLog2 must be 1..20: " + entriesLog2);
        }
        if (dataWords < 0 || dataWords > 8) {
            throw new IllegalArgumentException("dataWords must be 0..8: " + dataWords);
        }
        this.epoch = java.util.Objects.requireNonNull(epoch, "epoch");
        this.shift = 64 - entriesLog2;
        this.stride = DATA + dataWords;
        int entries = 1 << entriesLog2;
        this.words = new long[entries * stride];
        this.results = new TranslationResult[entries];
        clear();
    }

    /** The entry for the key if it is alive, else -1. */
    public int find(long k0, long k1) {
        int i = index(k0, k1);
        int b = i * stride;
        return words[b + K0] == k0 && words[b + K1] == k1 && words[b + EPOCH] == epoch.value() ? i : -1;
    }

    public TranslationResult result(int entry) {
        return results[entry];
    }

    /** Data word {@code w} of a live entry. */
    public long data(int entry, int w) {
        return words[entry * stride + DATA + w];
    }

    /**
     * Remembers a full lookup's result (replacing whatever shared the slot) and returns the entry, whose
     * data words the caller then sets; -1 when the memo is disabled.
     */
    public int put(long k0, long k1, TranslationResult result) {
        if (!enabled) {
            return -1;
        }
        int i = index(k0, k1);
        int b = i * stride;
        words[b + K0] = k0;
        words[b + K1] = k1;
        words[b + EPOCH] = epoch.value();
        results[i] = result;
        return i;
    }

    public void setData(int entry, int w, long value) {
        words[entry * stride + DATA + w] = value;
    }

    /**
     * Turns the memo off (every request takes the full lookup) or back on. A model runs the same with
     * it off; tests compare the two.
     */
    public void setEnabled(boolean on) {
        enabled = on;
        clear();
    }

    public boolean enabled() {
        return enabled;
    }

    private void clear() {
        for (int b = 0; b < words.length; b += stride) {
            words[b + EPOCH] = DEAD;
        }
        Arrays.fill(results, null);
    }

    private int index(long k0, long k1) {
        return (int) (((k0 * 0x9E37_79B9_7F4A_7C15L) ^ k1) * 0xBF58_476D_1CE4_E5B9L >>> shift);
    }
}
