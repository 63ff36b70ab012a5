package org.iommusim.vtd.cache;

import java.util.LinkedHashMap;
import java.util.Map;

import org.iommusim.core.cache.CacheConfig;
import org.iommusim.core.cache.CacheEpoch;
import org.iommusim.core.cache.CacheStatistics;

/** Every translation cache of one remapping unit (VT-d specification section 6.2). */
public final class VtdCaches {
    public final ConfigCaches config;
    public final Iotlb iotlb;
    /** First-stage paging-structure cache (PML5E, PML4E, PDPE, PDE), tagged by DID and PASID. */
    public final PagingStructureCache firstStage;
    /** Second-stage paging-structure cache (SL-PML5E ... SL-PDE), tagged by DID. */
    public final PagingStructureCache secondStage;

    /**
     * The clock of the caches an IOTLB hit consults, which the unit's hit memo mirrors: advanced when
     * an entry of the context or PASID cache changes (IOTLB changes are stamped per slot). The
     * paging-structure caches are only read by walks, which are never memoised.
     */
    public final CacheEpoch epoch = new CacheEpoch();

    public VtdCaches(CacheSizes sizes) {
        this.config = new ConfigCaches(sizes.context(), sizes.pasid(), epoch);
        this.iotlb = new Iotlb(sizes.iotlb(), epoch);
        this.firstStage = new PagingStructureCache("fs-psc", sizes.firstStagePsc());
        this.secondStage = new PagingStructureCache("ss-psc", sizes.secondStagePsc());
    }

    /** Drops every cached translation and structure (global invalidations, SRTP with CAP.ESRTPS). */
    public void invalidateAll() {
        config.invalidateContextAll();
        config.invalidatePasidAll();
        iotlb.invalidateAll();
        firstStage.invalidateAll();
        secondStage.invalidateAll();
    }

    public void putStatistics(Map<String, Long> m) {
        m.put("iotlb.hits", iotlb.hits());
        m.put("iotlb.misses", iotlb.misses());
        put(m, "iotlb", iotlb.statistics());
        CacheStatistics context = config.contextStatistics();
        m.put("context-cache.hits", context.hits());
        m.put("context-cache.misses", context.misses());
        put(m, "context-cache", context);
        CacheStatistics pasid = config.pasidStatistics();
        m.put("pasid-cache.hits", pasid.hits());
        m.put("pasid-cache.misses", pasid.misses());
        put(m, "pasid-cache", pasid);
        m.put("fs-psc.hits", firstStage.hits());
        m.put("fs-psc.misses", firstStage.misses());
        put(m, "fs-psc", firstStage.statistics());
        m.put("ss-psc.hits", secondStage.hits());
        m.put("ss-psc.misses", secondStage.misses());
        put(m, "ss-psc", secondStage.statistics());
    }

    private static void put(Map<String, Long> m, String name, CacheStatistics s) {
        m.put(name + ".fills", s.fills());
        m.put(name + ".evictions", s.evictions());
        m.put(name + ".invalidations", s.invalidations());
        m.put(name + ".occupancy", (long) s.occupancy());
        m.put(name + ".capacity", (long) s.capacity());
    }

    /** Sizes, associativity and policy of each cache. */
    public record CacheSizes(CacheConfig iotlb, CacheConfig context, CacheConfig pasid, CacheConfig firstStagePsc,
                             CacheConfig secondStagePsc) {
        /** The documented default: a 512-entry 8-way IOTLB, 64-entry caches for the rest, LRU. */
        public static CacheSizes defaults() {
            return new CacheSizes(CacheConfig.of(512, 8), CacheConfig.of(64, 4), CacheConfig.of(64, 4),
                    CacheConfig.of(64, 4), CacheConfig.of(64, 4));
        }

        public Map<String, CacheConfig> byName() {
            Map<String, CacheConfig> m = new LinkedHashMap<>();
            m.put("iotlb", iotlb);
            m.put("context", context);
            m.put("pasid", pasid);
            m.put("fs_psc", firstStagePsc);
            m.put("ss_psc", secondStagePsc);
            return m;
        }
    }
}
