package org.iommusim.smmu.v3.cache;

import org.iommusim.core.cache.CacheConfig;

/**
 * Sizes of the SMMUv3 model's caches. {@link #DEFAULT} is a plausible implementation; {@link #NONE}
 * disables every cache (each translation walks from the stream table), for reference counting.
 */
public record CacheSizes(CacheConfig tlb, CacheConfig ste, CacheConfig cd, CacheConfig stage1Walk,
                         CacheConfig stage2Walk, CacheConfig ipa) {
    public static final CacheSizes DEFAULT = new CacheSizes(CacheConfig.of(1024, 8), CacheConfig.of(64, 4),
            CacheConfig.of(128, 4), CacheConfig.of(256, 4), CacheConfig.of(256, 4), CacheConfig.of(256, 4));
    public static final CacheSizes NONE = new CacheSizes(CacheConfig.disabled(), CacheConfig.disabled(),
            CacheConfig.disabled(), CacheConfig.disabled(), CacheConfig.disabled(), CacheConfig.disabled());
}
