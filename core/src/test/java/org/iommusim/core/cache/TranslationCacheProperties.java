package org.iommusim.core.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The cache against a map model: hits are always right, invalidated keys never hit, capacity holds. */
class TranslationCacheProperties {
    record Op(int kind, long k0, long k1, long value) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Long> keys = Arbitraries.longs().between(0, 40);
        return Combinators.combine(Arbitraries.integers().between(0, 9), keys, keys, Arbitraries.longs())
                .as(Op::new).list().ofMaxSize(400);
    }

    @Provide
    Arbitrary<CacheConfig> configs() {
        return Combinators.combine(Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 3),
                Arbitraries.of(ReplacementPolicy.class), Arbitraries.longs())
                .as((setsLog, waysLog, policy, seed) -> new CacheConfig((1 << setsLog) * (1 << waysLog),
                        1 << waysLog, policy, seed));
    }

    @Property
    void behavesLikeALossyMap(@ForAll("configs") CacheConfig config, @ForAll("ops") List<Op> ops) {
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

    @Property
    void fullyAssociativeLruKeepsTheLastNDistinctKeys(@ForAll("ops") List<Op> ops) {
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
