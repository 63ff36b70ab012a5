package org.iommusim.smmu.v3.translation;

import org.iommusim.smmu.v3.cache.CacheSizes;
import org.iommusim.smmu.v3.cache.ConfigCache;
import org.iommusim.smmu.v3.cache.Stage2Cache;
import org.iommusim.smmu.v3.cache.Tlb;
import org.iommusim.smmu.v3.cache.WalkCache;

/** Every cache of one SMMU: the TLB, the configuration cache, both walk caches and the IPA cache. */
public final class Caches {
    public final Tlb tlb;
    public final ConfigCache config;
    public final WalkCache stage1Walk;
    public final WalkCache stage2Walk;
    public final Stage2Cache ipa;

    public Caches(CacheSizes sizes) {
        tlb = new Tlb(sizes.tlb());
        config = new ConfigCache(sizes.ste(), sizes.cd());
        stage1Walk = new WalkCache("s1-walk", sizes.stage1Walk());
        stage2Walk = new WalkCache("s2-walk", sizes.stage2Walk());
        ipa = new Stage2Cache(sizes.ipa());
    }
}
