package org.iommusim.smmu.v3.translation;

import org.iommusim.core.cache.CacheEpoch;
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
    /**
     * The clock of the caches a TLB hit consults, which the SMMU's hit memo mirrors: advanced when a
     * cached STE or CD changes (TLB changes are stamped per slot). The walk and IPA caches are only read
     * by walks, which are never memoised.
     */
    public final CacheEpoch epoch = new CacheEpoch();

    public Caches(CacheSizes sizes) {
        tlb = new Tlb(sizes.tlb(), epoch);
        config = new ConfigCache(sizes.ste(), sizes.cd(), epoch);
        stage1Walk = new WalkCache("s1-walk", sizes.stage1Walk());
        stage2Walk = new WalkCache("s2-walk", sizes.stage2Walk());
        ipa = new Stage2Cache(sizes.ipa());
    }
}
