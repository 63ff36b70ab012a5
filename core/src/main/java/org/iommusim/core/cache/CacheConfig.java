package org.iommusim.core.cache;

import java.util.Objects;

/**
 * Shape of a {@link TranslationCache}.
 *
 * @param entries total entries (0 disables the cache: every lookup misses, fills are dropped)
 * @param ways    associativity; {@code entries} must be a multiple of it ({@code ways == entries} is
 *                fully associative)
 * @param policy  replacement policy within a set
 * @param seed    seed of the {@link ReplacementPolicy#RANDOM} policy
 */
public record CacheConfig(int entries, int ways, ReplacementPolicy policy, long seed) {
    public CacheConfig {
        Objects.requireNonNull(policy, "policy");
        if (entries < 0) {
            throw new IllegalArgumentException("entries must be >= 0: " + entries);
        }
        if (entries > 0 && (ways < 1 || ways > entries || entries % ways != 0)) {
            throw new IllegalArgumentException("entries (" + entries + ") must be a positive multiple of ways ("
                    + ways + ")");
        }
    }

    public static CacheConfig of(int entries, int ways) {
        return new CacheConfig(entries, ways, ReplacementPolicy.LRU, 0);
    }

    public static CacheConfig disabled() {
        return new CacheConfig(0, 1, ReplacementPolicy.LRU, 0);
    }

    public int sets() {
        return entries == 0 ? 0 : entries / ways;
    }

    public CacheConfig withPolicy(ReplacementPolicy newPolicy) {
        return new CacheConfig(entries, ways, newPolicy, seed);
    }
}
