package org.iommusim.core.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * What a {@link HitMemo} relies on: a hit replayed by slot is indistinguishable from the lookup it
 * repeats (same counters, same later victims), and the epoch advances exactly when a valid entry is
 * replaced, evicted or invalidated.
 */
class HitReplayProperties {
    record Op(int kind, long k0, long k1) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Long> keys = Arbitraries.longs().between(0, 24);
        return Combinators.combine(Arbitraries.integers().between(0, 9), keys, keys).as(Op::new).list()
                .ofMaxSize(300);
    }

    @Provide
    Arbitrary<CacheConfig> configs() {
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 2),
                Arbitraries.of(ReplacementPolicy.class), Arbitraries.longs())
                .as((setsLog, waysLog, policy, seed) -> new CacheConfig((1 << setsLog) * (1 << waysLog),
                        1 << waysLog, policy, seed));
    }

    /**
     * Two caches see the same operations; where a lookup hits in the first, the second replays the hit
     * by the slot the first reported (when its epoch has not moved since a hit on that key). They must
     * agree on every lookup and on every counter.
     */
    @Property
    void replayedHitsAreIndistinguishableFromLookups(@ForAll("configs") CacheConfig config,
                                                     @ForAll("ops") List<Op> ops) {
        CacheEpoch e1 = new CacheEpoch();
        CacheEpoch e2 = new CacheEpoch();
        TranslationCache<Long> looked = new TranslationCache<>("a", config, e1);
        TranslationCache<Long> replayed = new TranslationCache<>("b", config, e2);
        HitMemo memo = new HitMemo(6, 1, e2);
        long value = 0;
        for (Op op : ops) {
            switch (op.kind()) {
                case 0, 1, 2 -> {
                    value++;
                    looked.fill(op.k0(), op.k1(), value);
                    replayed.fill(op.k0(), op.k1(), value);
                }
                case 3 -> {
                    looked.invalidate(op.k0(), op.k1());
                    replayed.invalidate(op.k0(), op.k1());
                }
                case 4 -> {
                    looked.invalidateIf((a, b, v) -> a == op.k0());
                    replayed.invalidateIf((a, b, v) -> a == op.k0());
                }
                default -> {
                    Long expected = looked.lookup(op.k0(), op.k1());
                    int m = memo.find(op.k0(), op.k1());
                    if (m >= 0) {
                        replayed.replayHit((int) memo.data(m, 0), 1);
                        assertEquals(expected, Long.valueOf(memo.result(m).pageBase() >>> 12));
                    } else {
                        Long got = replayed.lookup(op.k0(), op.k1());
                        assertEquals(expected, got);
                        if (got != null) {
                            int i = memo.put(op.k0(), op.k1(),
                                    new org.iommusim.core.request.TranslationResult(got << 12, 4096, 0, 0));
                            memo.setData(i, 0, replayed.lastHitSlot());
                        }
                    }
                }
            }
            assertEquals(looked.statistics(), replayed.statistics());
        }
    }

    @Property
    void epochMovesExactlyWhenAValidEntryChanges(@ForAll("configs") CacheConfig config, @ForAll("ops") List<Op> ops) {
        CacheEpoch epoch = new CacheEpoch();
        TranslationCache<Long> cache = new TranslationCache<>("c", config, epoch);
        for (Op op : ops) {
            long before = epoch.value();
            CacheStatistics s = cache.statistics();
            boolean present = cache.lookup(op.k0(), op.k1()) != null;
            switch (op.kind()) {
                case 0, 1, 2 -> {
                    cache.fill(op.k0(), op.k1(), (long) op.kind());
                    boolean changed = present || cache.statistics().evictions() > s.evictions();
                    assertEquals(changed, epoch.value() != before, "fill, present=" + present);
                }
                case 3, 4 -> {
                    boolean removed = cache.invalidate(op.k0(), op.k1());
                    assertEquals(removed, epoch.value() != before);
                }
                default -> {
                    int removed = cache.invalidateAll();
                    assertEquals(removed > 0, epoch.value() != before);
                }
            }
        }
    }

    @Property
    void aMemoEntryDiesWithItsEpoch(@ForAll long k0, @ForAll long k1) {
        CacheEpoch epoch = new CacheEpoch();
        HitMemo memo = new HitMemo(4, 2, epoch);
        var r = new org.iommusim.core.request.TranslationResult(0x1000, 4096, 1, 0);
        int i = memo.put(k0, k1, r);
        memo.setData(i, 1, 42);
        assertEquals(i, memo.find(k0, k1));
        assertSame(r, memo.result(i));
        assertEquals(42, memo.data(i, 1));
        assertEquals(-1, memo.find(k0 + 1, k1));
        epoch.advance();
        assertEquals(-1, memo.find(k0, k1));
        memo.put(k0, k1, r);
        assertNotEquals(-1, memo.find(k0, k1));
        memo.setEnabled(false);
        assertEquals(-1, memo.find(k0, k1));
        assertEquals(-1, memo.put(k0, k1, r));
    }
}
