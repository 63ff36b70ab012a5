package org.iommusim.smmu.v3.cache;

import org.iommusim.core.cache.CacheConfig;
import org.iommusim.core.cache.CacheStatistics;
import org.iommusim.core.cache.TranslationCache;

/**
 * The stage-2 (IPA) cache (IHI 0070 16.2): stage-2 leaf translations tagged by VMID and IPA page, used
 * by nested walks for every stage-1 table fetch, CD fetch and stage-1 output. Removed by TLBI_S2_IPA,
 * TLBI_S12_VMALL and TLBI_NSNH_ALL.
 */
public final class Stage2Cache {
    private final TranslationCache<Stage2Leaf> cache;

    public Stage2Cache(CacheConfig config) {
        this.cache = new TranslationCache<>("s2-ipa", config);
    }

    public Stage2Leaf lookup(int vmid, long ipa, int[] log2Sizes) {
        for (int size : log2Sizes) {
            Stage2Leaf e = cache.lookup(vmid & 0xFFFFL, (ipa & -(1L << size)) | size);
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    public void fill(Stage2Leaf leaf) {
        cache.fill(leaf.vmid() & 0xFFFFL, leaf.ipaBase() | leaf.log2Size(), leaf);
    }

    public int invalidate(java.util.function.Predicate<Stage2Leaf> which) {
        return cache.invalidateIf((k0, k1, e) -> which.test(e));
    }

    public int invalidateAll() {
        return cache.invalidateAll();
    }

    public int size() {
        return cache.size();
    }

    public CacheStatistics statistics() {
        return cache.statistics();
    }
}
