package org.iommusim.core.cache;

import java.util.Arrays;
import java.util.Objects;

import org.iommusim.core.request.TranslationResult;

/**
 * A memo of the hit path: for a request key (packed by the model: requester, PASID, access kind,
 * 4 KiB input page) it remembers the result a full lookup returned when every cache the model consulted
 * hit, and which entries those hits were, so the next identical request skips the probes. It is not an
 * architectural structure and changes nothing a model shows.
 *
 * <p>What a memoised hit stands for: one hit in the TLB (found after one or more probes: page sizes, an
 * ASID and a global key) and one single-probe hit in each configuration cache it used (context, PASID,
 * STE, CD caches). Its entry is alive only while the full lookup would still return the same:
 * <ul>
 * <li>the configuration caches and anything else the model declares (a register write, a fault that
 *     changes later outcomes) advance the shared {@link CacheEpoch}, which retires every entry: they
 *     change rarely;</li>
 * <li>the TLB changes often (each walk fills it), so it is tracked per slot: an entry dies when its own
 *     TLB slot is replaced, evicted or invalidated after the entry's last use, or, if its TLB hit took
 *     more than one probe, when anything is filled into the TLB after that (a new entry could answer
 *     an earlier probe).</li>
 * </ul>
 * A memo hit takes one tick of the epoch and counts itself in its entry; {@link #settle()} later stamps
 * each cache entry the hit used with that tick (LRU order is then exactly what the full lookups would
 * have left) and credits the caches' counters (a hit, and the probes the full lookup made). The model
 * must call {@link #settle()} before anything can read or change those caches: before a full lookup,
 * before a register write takes effect ({@link #settleAndAdvance()}), before it reports statistics.
 * Settling costs nothing when no memo hit happened since the last time.
 *
 * <p>Each key has two places (its hashed entry and the neighbour), over primitive arrays; a hit
 * allocates nothing. Not thread-safe, like the caches it mirrors.
 */
public final class HitMemo {
    /** Entries of a model's memo: 4,096 keep 64 hot pages almost free of conflicts (docs/performance.md). */
    public static final int DEFAULT_ENTRIES_LOG2 = 12;
    private static final int K0 = 0, K1 = 1, EPOCH = 2, HITS = 3, LAST = 4, TLB_USE = 5, CONFIG_USES = 6;
    /** An epoch no memo entry can match: the counter starts at 0 and only grows. */
    private static final long DEAD = -1;
    /** A use word for a configuration cache the entry did not consult. */
    private static final long UNUSED = -1;

    private final CacheEpoch epoch;
    private final TranslationCache<?> tlb;
    private final long[] tlbChangedAt;
    private final long[] tlbStamps;
    private final TranslationCache<?>[] config;
    private final long[][] configStamps;
    private final int shift;
    /** log2 of the words per entry: a power of two, so an entry's first word is a shift away. */
    private final int strideShift;
    /**
     * Entry i occupies {@code words[i << strideShift ..]}: the key, the epoch it was made at, its
     * unsettled hits, the tick of its last use (its making, then its last memo hit), and one use word for
     * the TLB and per configuration cache (slot in bits 31:0, probes in 63:32).
     */
    private final long[] words;
    private final TranslationResult[] results;
    /** The entries with unsettled hits, each once. */
    private final int[] unsettled;
    private int unsettledCount;
    /** The epoch of the latest {@link #put}: when the epoch has moved since, no entry is alive. */
    private long lastPutEpoch = DEAD;
    /** Hits already credited to the caches. */
    private long credited;
    private boolean enabled = true;

    /**
     * @param tlb    the TLB, tracked per slot ({@link TranslationCache#TranslationCache(String, CacheConfig,
     *               CacheEpoch, boolean)})
     * @param config the configuration caches a hit consults (one probe each), changes to which advance
     *               the epoch; their order is the index {@link #use} takes
     */
    public HitMemo(int entriesLog2, CacheEpoch epoch, TranslationCache<?> tlb, TranslationCache<?>... config) {
        if (entriesLog2 < 1 || entriesLog2 > 20) {
            throw new IllegalArgumentException("entriesLog2 must be 1..20: " + entriesLog2);
        }
        this.epoch = Objects.requireNonNull(epoch, "epoch");
        this.tlb = tlb;
        this.tlbChangedAt = tlb.changedAt();
        if (tlb.epoch() != epoch || tlbChangedAt == null) {
            throw new IllegalArgumentException("the TLB must share the memo's epoch and be tracked per slot");
        }
        this.tlbStamps = tlb.lruStamps();
        this.config = config.clone();
        this.configStamps = new long[config.length][];
        for (int c = 0; c < config.length; c++) {
            if (config[c].epoch() != epoch || config[c].changedAt() != null) {
                throw new IllegalArgumentException("cache " + config[c].name()
                        + " must share the memo's epoch and advance it on every change");
            }
            configStamps[c] = config[c].lruStamps();
        }
        this.shift = 64 - entriesLog2;
        this.strideShift = 32 - Integer.numberOfLeadingZeros(CONFIG_USES + config.length - 1);
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
        long live = epoch.value();
        if (lastPutEpoch != live) {
            // nothing was memoised since the epoch last moved: every entry is dead. A model whose TLB is
            // off (cold-walk studies) never puts, and skips the probe of a random place in a large array
            return null;
        }
        int i = index(k0, k1);
        int b = i << strideShift;
        long[] w = words;
        if (w[b + K0] != k0 || w[b + K1] != k1 || w[b + EPOCH] != live) {
            // the key's second place: two keys that share a first place do not evict each other
            i ^= 1;
            b = i << strideShift;
            if (w[b + K0] != k0 || w[b + K1] != k1 || w[b + EPOCH] != live) {
                return null;
            }
        }
        long last = w[b + LAST];
        if (epoch.trackedChangeAt() > last) { // the TLB changed since this entry's last use: look closer
            long use = w[b + TLB_USE];
            if (tlbChangedAt[(int) use] > last || (use >>> 32) > 1 && tlb.lastFillAt() > last) {
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
     * Remembers a pure hit's result and its TLB hit (the slot, found after {@code tlbProbes} probes) in
     * one of the key's two places (a dead one if there is one, else the one used less recently), and
     * returns the entry for the {@link #use} calls that record the configuration-cache hits; -1 when the
     * memo is disabled.
     */
    public int put(long k0, long k1, TranslationResult result, int tlbSlot, int tlbProbes) {
        Objects.requireNonNull(result, "result");
        if (tlbSlot < 0 || tlbSlot >= tlbChangedAt.length || tlbProbes < 1) {
            throw new IllegalArgumentException("TLB slot " + tlbSlot + ", probes " + tlbProbes);
        }
        if (!enabled) {
            return -1;
        }
        settle();
        int i = index(k0, k1);
        int b = i << strideShift;
        int b2 = (i ^ 1) << strideShift;
        long live = epoch.value();
        boolean here = words[b + K0] == k0 && words[b + K1] == k1;
        boolean there = words[b2 + K0] == k0 && words[b2 + K1] == k1;
        // the key's own stale entry is replaced; otherwise a dead place, otherwise the one used less recently
        if (there || !here && words[b + EPOCH] == live
                && (words[b2 + EPOCH] != live || words[b2 + LAST] < words[b + LAST])) {
            i ^= 1;
            b = b2;
        }
        w(b, K0, k0);
        w(b, K1, k1);
        w(b, EPOCH, live);
        lastPutEpoch = live;
        w(b, LAST, epoch.nextTick());
        w(b, TLB_USE, useWord(tlbSlot, tlbProbes));
        for (int c = 0; c < config.length; c++) {
            w(b, CONFIG_USES + c, UNUSED);
        }
        results[i] = result;
        return i;
    }

    /** Records that the memoised hit used the entry in {@code slot} of configuration cache {@code cache}. */
    public void use(int entry, int cache, int slot) {
        if (entry >= 0) {
            w(entry << strideShift, CONFIG_USES + cache, useWord(slot, 1));
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
        credit(tlb, tlbStamps, words[b + TLB_USE], hits, last);
        for (int c = 0; c < config.length; c++) {
            long use = words[b + CONFIG_USES + c];
            if (use != UNUSED) {
                credit(config[c], configStamps[c], use, hits, last);
            }
        }
    }

    private static void credit(TranslationCache<?> cache, long[] stamps, long use, long hits, long last) {
        cache.creditHits(hits, hits * (use >>> 32));
        int slot = (int) use;
        // several memo entries can share one cache entry (a device's context entry): keep the latest
        if (stamps != null && stamps[slot] < last) {
            stamps[slot] = last;
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

    private static long useWord(int slot, int probes) {
        return (slot & 0xFFFF_FFFFL) | ((long) probes << 32);
    }

    private void w(int base, int word, long value) {
        words[base + word] = value;
    }

    private void clear() {
        lastPutEpoch = DEAD;
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
