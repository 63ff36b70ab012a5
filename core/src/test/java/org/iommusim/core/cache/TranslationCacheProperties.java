package org.iommusim.core.cache;

import static org.iommusim.proptest.Props.gen;
import static org.iommusim.proptest.Props.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

/** The cache against a map model: hits are always right, invalidated keys never hit, capacity holds. */
class TranslationCacheProperties {
    record Op(int kind, long k0, long k1, long value) {
    }

    /** Up to 400 operations (kind 0..9) on keys 0..40 in both halves, each with any value. */
    static List<Op> ops(RandomGenerator r) {
        int n = r.nextInt(0, 401);
        List<Op> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ops.add(new Op(r.nextInt(0, 10), key(r, 40), key(r, 40), r.nextLong()));
        }
        return ops;
    }

    /**
     * A key word in 0..max, a quarter of the time one of the two bounds (edge cases, as the old
     * generator mixed them in), so that a key is often filled, invalidated and looked up again in one run.
     */
    static long key(RandomGenerator r, long max) {
        return r.nextInt(0, 4) == 0 ? (r.nextBoolean() ? max : 0) : r.nextLong(0, max + 1);
    }

    /** 1..32 sets of 1..8 ways, any policy, any seed. */
    static CacheConfig configs(RandomGenerator r) {
        int setsLog = r.nextInt(0, 6);
        int waysLog = r.nextInt(0, 4);
        ReplacementPolicy[] policies = ReplacementPolicy.values();
        ReplacementPolicy policy = policies[r.nextInt(0, policies.length)];
        return new CacheConfig((1 << setsLog) * (1 << waysLog), 1 << waysLog, policy, r.nextLong());
    }

    /** Fails if an invalidation reports the entry removed but leaves it valid. */
    @Test
    void behavesLikeALossyMap() {
        qt(200).forAll(gen(TranslationCacheProperties::configs), gen(TranslationCacheProperties::ops))
                .checkAssert(TranslationCacheProperties::behavesLikeALossyMap);
    }

    private static void behavesLikeALossyMap(CacheConfig config, List<Op> ops) {
        TranslationCache<Long> cache = new TranslationCache<>("p", config);
        Map<List<Long>, Long> truth = new HashMap<>();   // the latest value filled for a key
        Set<List<Long>> invalidated = new HashSet<>();  // keys invalidated and not refilled since
        for (Op op : ops) {
            List<Long> key = List.of(op.k0(), op.k1());
            switch (op.kind()) {
                case 0, 1, 2, 3 -> {
                    cache.fill(op.k0(), op.k1(), op.value());
                    truth.put(key, op.value());
                    invalidated.remove(key);
                }
                case 4 -> {
                    cache.invalidate(op.k0(), op.k1());
                    invalidated.add(key);
                }
                case 5 -> {
                    cache.invalidateIf((a, b, v) -> a == op.k0());
                    truth.keySet().stream().filter(k -> k.get(0) == op.k0()).forEach(invalidated::add);
                }
                default -> {
                    Long hit = cache.lookup(op.k0(), op.k1());
                    if (invalidated.contains(key)) {
                        assertNull(hit, "an invalidated entry hit");
                    }
                    if (hit != null) {
                        assertEquals(truth.get(key), hit, "a hit must return what was last filled");
                    }
                }
            }
            assertTrue(cache.size() <= config.entries(), "capacity exceeded");
        }
        CacheStatistics s = cache.statistics();
        assertEquals(s.lookups(), s.hits() + s.misses());
        assertEquals(cache.size(), s.occupancy());
    }

    /** Fails if a hit does not refresh the entry's LRU stamp (the cache then evicts in fill order). */
    @Test
    void fullyAssociativeLruKeepsTheLastNDistinctKeys() {
        qt(200).forAll(gen(TranslationCacheProperties::ops))
                .checkAssert(TranslationCacheProperties::fullyAssociativeLruKeepsTheLastNDistinctKeys);
    }

    private static void fullyAssociativeLruKeepsTheLastNDistinctKeys(List<Op> ops) {
        int n = 8;
        TranslationCache<Long> cache = new TranslationCache<>("p", CacheConfig.of(n, n));
        java.util.LinkedHashMap<Long, Long> lru = new java.util.LinkedHashMap<>(16, 0.75f, true);
        for (Op op : ops) {
            if (op.kind() < 5) {
                cache.fill(op.k0(), 0, op.value());
                lru.put(op.k0(), op.value());
                if (lru.size() > n) {
                    lru.remove(lru.keySet().iterator().next());
                }
            } else {
                Long hit = cache.lookup(op.k0(), 0);
                Long expected = lru.get(op.k0());
                assertEquals(expected, hit);
            }
        }
    }
}
