package org.iommusim.core.cache;

import java.util.Arrays;
import java.util.Objects;

import org.iommusim.core.request.TranslationResult;

/**
 * A memo of the hit path: for a request key (packed by the model: requester, PASID, access kind,
 * 4 KiB input page) it remembers the result a full lookup returned when every cache the model consulted
 * hit, and which entries those hits were, so the next identical request skips the probes. It is not an
 * architectural structure and changes nothing a model shows:
 * <ul>
 * <li>a memo hit takes one tick of the caches' shared {@link CacheEpoch} and counts itself in its memo
 *     entry; {@link #settle()} later stamps each cache entry the hit used with that tick (LRU order is
 *     then exactly what the full lookups would have left) and credits the caches' counters (a hit and
 *     the probes the full lookup made, per cache);</li>
 * <li>an entry dies as soon as the epoch it was made at advances: any entry of those caches replaced,
 *     evicted or invalidated, or anything else the model declares (a register write).</li>
 * </ul>
 * The model must call {@link #settle()} before anything can read or change those caches: before a full
 * lookup, before a register write takes effect (or {@link #settleAndAdvance()}), before it reports
 * statistics. Settling costs nothing when no memo hit happened since the last time.
 *
 * <p>A request whose full lookup would walk, fill or fault must never be memoised: only a lookup that
 * touched no memory and changed no entry can be repeated this way.
 *
 * <p>Each key has two places (its hashed entry and the neighbour), over primitive arrays; a hit allocates nothing. Not thread-safe, like the caches it
 * mirrors.
 */
public final class HitMemo {
    /** Entries of a model's memo: 4,096 keep 64 hot pages almost free of conflicts (docs/performance.md). */
    public static final int DEFAULT_ENTRIES_LOG2 = 12;
    private static final int K0 = 0, K1 = 1, EPOCH = 2, HITS = 3, LAST = 4, USES = 5;
    /** An epoch no memo entry can match: the counter starts at 0 and only grows. */
    private static final long DEAD = -1;
    /** A use word for a cache the entry did not consult. */
    private static final long UNUSED = -1;

    private final CacheEpoch epoch;
    private final TranslationCache<?>[] caches;
    /** The stamp array of each cache that keeps LRU order, null for the others. */
    private final long[][] lruStamps;
    private final int shift;
    /** log2 of the words per entry: a power of two, so an entry's first word is a shift away. */
    private final int strideShift;
    /**
     * Entry i occupies {@code words[i << strideShift ..]}: the key, the epoch it was made
     * at, its unsettled hits and the tick of the last, and per cache one use word (slot in bits 31:0,
     * probes in 63:32).
     */
    private final long[] words;
    private final TranslationResult[] results;
    /** The entries with unsettled hits, each once. */
    private final int[] unsettled;
    private int unsettledCount;
    /** Hits already credited to the caches. */
    private long credited;
    private boolean enabled = true;

    /**
     * @param caches the caches a full hit consults, all built with {@code epoch}; their order is the
     *               index {@link #use} takes
     */
    public HitMemo(int entriesLog2, CacheEpoch epoch, TranslationCache<?>... caches) {
        if (entriesLog2 < 1 || entriesLog2 > 20) {
            throw new IllegalArgumentException("entriesLog2 must be 1..20: " + entriesLog2);
        }
        this.epoch = Objects.requireNonNull(epoch, "epoch");
        this.caches = caches.clone();
        this.lruStamps = new long[caches.length][];
        for (int c = 0; c < caches.length; c++) {
            if (caches[c].epoch() != epoch) {
                throw new IllegalArgumentException("cache " + caches[c].name() + " does not share the memo's epoch");
            }
            lruStamps[c] = caches[c].lruStamps();
        }
        this.shift = 64 - entriesLog2;
        this.strideShift = 32 - Integer.numberOfLeadingZeros(USES + caches.length - 1);
        int entries = 1 << entriesLog2;
        this.words = new long[entries << strideShift];
        this.results = new TranslationResult[entries];
        this.unsettled = new int[entries];
        clear();
    }

    /**
     * The memoised result for the key, with the hit's effects on the caches; null when there is no live
     * entry (the model then takes the full lookup).
     */
    public TranslationResult find(long k0, long k1) {
        int i = index(k0, k1);
        int b = i << strideShift;
        long[] w = words;
        if (w[b + K0] != k0 || w[b + K1] != k1 || w[b + EPOCH] != epoch.value()) {
            // the key's second place: two keys that share a first place do not evict each other
            i ^= 1;
            b = i << strideShift;
            if (w[b + K0] != k0 || w[b + K1] != k1 || w[b + EPOCH] != epoch.value()) {
                return null;
            }
        }
        w[b + LAST] = epoch.nextTick();
        if (w[b + HITS]++ == 0) {
            unsettled[unsettledCount++] = i;
        }
        return results[i];
    }

    /**
     * Remembers a pure hit's result in one of the key's two places (a dead one if there is one, else the
     * one whose last memo hit is older) and returns the entry for the {@link #use} calls that record where
     * the hit was; -1 when the memo is disabled.
     */
    public int put(long k0, long k1, TranslationResult result) {
        if (!enabled) {
            return -1;
        }
        settle();
        int i = index(k0, k1);
        int b = i << strideShift;
        int b2 = (i ^ 1) << strideShift;
        long live = epoch.value();
        if (words[b + EPOCH] == live
                && (words[b2 + EPOCH] != live || words[b2 + LAST] < words[b + LAST])) {
            i ^= 1;
            b = b2;
        }
        w(b, K0, k0);
        w(b, K1, k1);
        w(b, EPOCH, live);
        w(b, LAST, 0);
        for (int c = 0; c < caches.length; c++) {
            w(b, USES + c, UNUSED);
        }
        results[i] = Objects.requireNonNull(result, "result");
        return i;
    }

    /**
     * Records that the memoised hit used the entry in {@code slot} of cache {@code cache} (its index in the
     * constructor), found after {@code probes} probes of that cache.
     */
    public void use(int entry, int cache, int slot, int probes) {
        if (entry >= 0) {
            w(entry << strideShift, USES + cache, (slot & 0xFFFF_FFFFL) | ((long) probes << 32));
        }
    }

    /** Applies the memo hits since the last settle to the caches: their LRU stamps and counters. */
    public void settle() {
        for (int n = 0; n < unsettledCount; n++) {
            settle(unsettled[n] << strideShift);
        }
        unsettledCount = 0;
    }

    /** {@link #settle()}, then advances the epoch: for a register write, which may change any outcome. */
    public void settleAndAdvance() {
        settle();
        epoch.advance();
    }

    /** Memo hits so far. */
    public long hits() {
        settle();
        return credited;
    }

    private void settle(int b) {
        long hits = words[b + HITS];
        if (hits == 0) {
            return;
        }
        words[b + HITS] = 0;
        credited += hits;
        long last = words[b + LAST];
        for (int c = 0; c < caches.length; c++) {
            long use = words[b + USES + c];
            if (use != UNUSED) {
                caches[c].creditHits(hits, hits * (use >>> 32));
                long[] stamps = lruStamps[c];
                int slot = (int) use;
                // several memo entries can share one cache entry (a device's context entry): keep the latest
                if (stamps != null && stamps[slot] < last) {
                    stamps[slot] = last;
                }
            }
        }
    }

    /**
     * Turns the memo off (every request takes the full lookup) or back on. A model runs the same with
     * it off; tests compare the two.
     */
    public void setEnabled(boolean on) {
        settle();
        enabled = on;
        clear();
    }

    public boolean enabled() {
        return enabled;
    }

    private void w(int base, int word, long value) {
        words[base + word] = value;
    }

    private void clear() {
        for (int b = 0; b < words.length; b += 1 << strideShift) {
            words[b + EPOCH] = DEAD;
        }
        Arrays.fill(results, null);
    }

    /**
     * Fibonacci hashing of the page number with the rotated request word mixed in: one multiply, and
     * consecutive pages of one requester land in distinct entries.
     */
    private int index(long k0, long k1) {
        return (int) ((Long.rotateLeft(k0, 40) ^ k1) * 0x9E37_79B9_7F4A_7C15L >>> shift);
    }
}
