package org.iommusim.smmu.v3.cache;

import org.iommusim.core.cache.CacheConfig;
import org.iommusim.core.cache.CacheEpoch;
import org.iommusim.core.cache.CacheStatistics;
import org.iommusim.core.cache.TranslationCache;
import org.iommusim.smmu.v3.cd.Stage1Config;
import org.iommusim.smmu.v3.ste.StreamConfig;

/**
 * The configuration cache (IHI 0070 16.2): decoded legal STEs by StreamID and decoded legal CDs by
 * StreamID and CD index. Invalid and ILLEGAL structures are never cached. Removed by the CFGI_*
 * commands.
 */
public final class ConfigCache {
    private final TranslationCache<StreamConfig> stes;
    private final TranslationCache<Stage1Config> cds;

    /** @param epoch advanced whenever a cached STE or CD changes (the SMMU's hit memo depends on both) */
    public ConfigCache(CacheConfig steConfig, CacheConfig cdConfig, CacheEpoch epoch) {
        this.stes = new TranslationCache<>("ste", steConfig, epoch);
        this.cds = new TranslationCache<>("cd", cdConfig, epoch);
    }

    /** The STE cache itself, for the hit memo. */
    public TranslationCache<StreamConfig> steCache() {
        return stes;
    }

    /** The CD cache itself, for the hit memo. */
    public TranslationCache<Stage1Config> cdCache() {
        return cds;
    }

    private static long sid(int streamId) {
        return streamId & 0xFFFF_FFFFL;
    }

    public StreamConfig ste(int streamId) {
        return stes.lookup(sid(streamId), 0);
    }

    public void fillSte(int streamId, StreamConfig config) {
        stes.fill(sid(streamId), 0, config);
    }

    public Stage1Config cd(int streamId, int cdIndex) {
        return cds.lookup(sid(streamId), cdIndex);
    }

    public void fillCd(int streamId, int cdIndex, Stage1Config config) {
        cds.fill(sid(streamId), cdIndex, config);
    }

    /** CFGI_STE: the STE and every CD cached through it. */
    public void invalidateStreams(long firstSid, long count) {
        stes.invalidateIf((k0, k1, v) -> k0 - firstSid >= 0 && k0 - firstSid < count);
        cds.invalidateIf((k0, k1, v) -> k0 - firstSid >= 0 && k0 - firstSid < count);
    }

    /** CFGI_CD: one CD of a stream. */
    public void invalidateCd(int streamId, int cdIndex) {
        cds.invalidate(sid(streamId), cdIndex);
    }

    /** CFGI_CD_ALL: every CD of a stream. */
    public void invalidateCds(int streamId) {
        long s = sid(streamId);
        cds.invalidateIf((k0, k1, v) -> k0 == s);
    }

    public void invalidateAll() {
        stes.invalidateAll();
        cds.invalidateAll();
    }

    public CacheStatistics steStatistics() {
        return stes.statistics();
    }

    public CacheStatistics cdStatistics() {
        return cds.statistics();
    }
}
