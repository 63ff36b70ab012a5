package org.iommusim.vtd.cache;

import org.iommusim.core.cache.CacheConfig;
import org.iommusim.core.cache.CacheEpoch;
import org.iommusim.core.cache.CacheStatistics;
import org.iommusim.core.cache.TranslationCache;
import org.iommusim.vtd.context.ContextEntry;
import org.iommusim.vtd.context.ScalableContextEntry;
import org.iommusim.vtd.pasid.PasidEntry;

/**
 * The context cache (section 6.2.2) and the PASID cache (section 6.2.3): decoded, present entries kept
 * until software invalidates them. The context cache is tagged by source-id (and, for legacy entries,
 * holds the domain-id so a domain-selective invalidation finds them); the PASID cache by source-id and
 * PASID, holding the PASID entry's domain-id.
 */
public final class ConfigCaches {
    /** A cached context entry: exactly one of the two is non-null. */
    public record ContextCacheEntry(int sid, ContextEntry legacy, ScalableContextEntry scalable) {
        /** DID of a legacy entry; -1 for a scalable one (its DIDs live in the PASID entries). */
        public int did() {
            return legacy != null ? legacy.domainId() : -1;
        }
    }

    /** A cached PASID entry and the FPD of the directory entry above it. */
    public record PasidCacheEntry(int sid, int pasid, PasidEntry entry, boolean directoryFpd) {
        public int did() {
            return entry.domainId();
        }
    }

    private final TranslationCache<ContextCacheEntry> context;
    private final TranslationCache<PasidCacheEntry> pasid;

    /** @param epoch advanced whenever a cached entry changes (the unit's hit memo depends on these caches) */
    public ConfigCaches(CacheConfig contextConfig, CacheConfig pasidConfig, CacheEpoch epoch) {
        this.context = new TranslationCache<>("context-cache", contextConfig, epoch);
        this.pasid = new TranslationCache<>("pasid-cache", pasidConfig, epoch);
    }

    /** @param scalable the table mode the entry is looked up in (entries of the other mode never hit) */
    public ContextCacheEntry lookupContext(int sid, boolean scalable) {
        return context.lookup(sid & 0xFFFF, scalable ? 1 : 0);
    }

    /** The context cache itself, for the unit's hit memo. */
    public TranslationCache<ContextCacheEntry> contextCache() {
        return context;
    }

    /** The PASID cache itself, for the unit's hit memo. */
    public TranslationCache<PasidCacheEntry> pasidCache() {
        return pasid;
    }

    /** The slot of the context-cache entry the last hit returned. */
    public int lastContextSlot() {
        return context.lastHitSlot();
    }

    public void fillContext(ContextCacheEntry e) {
        context.fill(e.sid() & 0xFFFF, e.scalable() != null ? 1 : 0, e);
    }

    public PasidCacheEntry lookupPasid(int sid, int pasidValue) {
        return pasid.lookup(sid & 0xFFFF, pasidValue);
    }

    public int lastPasidSlot() {
        return pasid.lastHitSlot();
    }

    public void fillPasid(PasidCacheEntry e) {
        pasid.fill(e.sid() & 0xFFFF, e.pasid(), e);
    }

    public int invalidateContextAll() {
        return context.invalidateAll();
    }

    /**
     * Domain-selective: legacy entries of that DID. Scalable-mode context entries carry no DID, so they
     * are all removed (an over-invalidation the specification allows).
     */
    public int invalidateContextDomain(int did) {
        return context.invalidateIf((k0, k1, e) -> e.scalable() != null || e.did() == did);
    }

    /** Device-selective: source-ids equal to {@code sid} once the low {@code functionMaskBits} are ignored. */
    public int invalidateContextDevice(int sid, int functionMaskBits) {
        int mask = ~((1 << functionMaskBits) - 1) & 0xFFFF;
        return context.invalidateIf((k0, k1, e) -> (e.sid() & mask) == (sid & mask));
    }

    public int invalidatePasidAll() {
        return pasid.invalidateAll();
    }

    public int invalidatePasidDomain(int did) {
        return pasid.invalidateIf((k0, k1, e) -> e.did() == did);
    }

    public int invalidatePasid(int did, int pasidValue) {
        return pasid.invalidateIf((k0, k1, e) -> e.did() == did && e.pasid() == pasidValue);
    }

    public CacheStatistics contextStatistics() {
        return context.statistics();
    }

    public CacheStatistics pasidStatistics() {
        return pasid.statistics();
    }
}
