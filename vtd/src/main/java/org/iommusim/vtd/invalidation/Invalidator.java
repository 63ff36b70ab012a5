package org.iommusim.vtd.invalidation;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.iommusim.vtd.cache.IotlbEntry;
import org.iommusim.vtd.cache.VtdCaches;

/**
 * What each invalidation request removes from the caches, VT-d specification section 6.5 (register-
 * based invalidation 6.5.1, queued invalidation 6.5.2). Both the CCMD/IOTLB registers and the
 * invalidation-queue descriptors end up here.
 *
 * <p>IOTLB invalidations (register or descriptor type 0x2) act on the second stage: legacy, second-
 * stage-only and nested entries of the domain, and the second-stage paging-structure cache. Nested
 * entries are tagged by the first-stage input address, so a page-selective second-stage invalidation
 * removes all nested entries of the domain. PASID-based IOTLB invalidations (0x6) act on the first
 * stage: first-stage and nested entries of the PASID and the first-stage paging-structure cache.
 */
public final class Invalidator {
    private static final Set<IotlbEntry.Kind> SECOND_STAGE_KINDS =
            EnumSet.of(IotlbEntry.Kind.LEGACY, IotlbEntry.Kind.SECOND_STAGE);
    private static final Set<IotlbEntry.Kind> NESTED = EnumSet.of(IotlbEntry.Kind.NESTED);
    private static final Set<IotlbEntry.Kind> FIRST_STAGE_KINDS =
            EnumSet.of(IotlbEntry.Kind.FIRST_STAGE, IotlbEntry.Kind.NESTED);

    private final VtdCaches caches;
    private final Map<String, Long> counts = new LinkedHashMap<>();

    public Invalidator(VtdCaches caches) {
        this.caches = caches;
        for (String k : new String[] {"context", "iotlb", "pasid-iotlb", "pasid-cache", "device-tlb",
                "pasid-device-tlb", "interrupt-entry-cache", "wait"}) {
            counts.put(k, 0L);
        }
    }

    void count(String what) {
        counts.merge(what, 1L, Long::sum);
    }

    public void contextGlobal() {
        count("context");
        caches.config.invalidateContextAll();
    }

    public void contextDomain(int did) {
        count("context");
        caches.config.invalidateContextDomain(did);
    }

    public void contextDevice(int sid, int functionMask) {
        count("context");
        caches.config.invalidateContextDevice(sid, functionMask);
    }

    public void iotlbGlobal() {
        count("iotlb");
        caches.iotlb.invalidateAll();
        caches.secondStage.invalidateAll();
        caches.firstStage.invalidateAll();
    }

    public void iotlbDomain(int did) {
        count("iotlb");
        caches.iotlb.invalidateDomain(did, SECOND_STAGE_KINDS);
        caches.iotlb.invalidateDomain(did, NESTED);
        caches.secondStage.invalidateDomain(did);
    }

    /**
     * Page-selective: 2^am pages from {@code address} (aligned down to that size). With the
     * invalidation hint {@code ih} only leaf entries changed, so the paging-structure cache is kept.
     */
    public void iotlbPages(int did, long address, int am, boolean ih) {
        count("iotlb");
        long size = 4096L << am;
        caches.iotlb.invalidateRange(did, -2, address & ~(size - 1), size, SECOND_STAGE_KINDS);
        caches.iotlb.invalidateDomain(did, NESTED);
        if (!ih) {
            caches.secondStage.invalidateDomain(did);
        }
    }

    public void pasidIotlbAll(int did, int pasid) {
        count("pasid-iotlb");
        caches.iotlb.invalidatePasid(did, pasid, FIRST_STAGE_KINDS);
        caches.firstStage.invalidatePasid(did, pasid);
    }

    public void pasidIotlbPages(int did, int pasid, long address, int am, boolean ih) {
        count("pasid-iotlb");
        long size = 4096L << am;
        caches.iotlb.invalidateRange(did, pasid, address & ~(size - 1), size, FIRST_STAGE_KINDS);
        if (!ih) {
            caches.firstStage.invalidatePasid(did, pasid);
        }
    }

    public void pasidCacheDomain(int did) {
        count("pasid-cache");
        caches.config.invalidatePasidDomain(did);
    }

    public void pasidCachePasid(int did, int pasid) {
        count("pasid-cache");
        caches.config.invalidatePasid(did, pasid);
    }

    public void pasidCacheGlobal() {
        count("pasid-cache");
        caches.config.invalidatePasidAll();
    }

    public void putStatistics(Map<String, Long> m) {
        counts.forEach((k, v) -> m.put("invalidations." + k, v));
    }
}
