package org.iommusim.vtd.invalidation;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.iommusim.vtd.cache.IotlbEntry;
import org.iommusim.vtd.cache.VtdCaches;

/**
 * What each invalidation request removes from the caches, VT-d specification section 6.5 (register-
 * based invalidation 6.5.1, queued invalidation 6.5.2), following Table 23 (IOTLB invalidation) and
 * Table 24 (PASID-based IOTLB invalidation) of revision 5.10. Both the CCMD/IOTLB registers and the
 * invalidation-queue descriptors end up here.
 *
 * <p>IOTLB invalidation: global removes everything; domain-selective removes every IOTLB entry of the
 * domain (any PGTT) and both paging-structure caches of the domain; page-selective-within-domain
 * removes second-stage-only and legacy entries of the address range, every first-stage and nested entry
 * of the domain (they are tagged by first-stage input addresses), the first-stage paging-structure
 * cache of the domain and, unless IH=1, the second-stage one (this model drops the whole domain's, a
 * coarser invalidation the specification permits). PASID-based IOTLB invalidation: PASID-selective
 * removes every entry of the domain and PASID and its first-stage paging-structure cache;
 * page-selective-within-PASID removes first-stage and nested entries of the range and, unless IH=1, the
 * first-stage paging-structure cache of the PASID.
 */
public final class Invalidator {
    private static final Set<IotlbEntry.Kind> SECOND_STAGE_KINDS =
            EnumSet.of(IotlbEntry.Kind.LEGACY, IotlbEntry.Kind.SECOND_STAGE);
    private static final Set<IotlbEntry.Kind> FIRST_STAGE_KINDS =
            EnumSet.of(IotlbEntry.Kind.FIRST_STAGE, IotlbEntry.Kind.NESTED);
    private static final Set<IotlbEntry.Kind> ALL_KINDS = EnumSet.allOf(IotlbEntry.Kind.class);

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
        caches.iotlb.invalidateDomain(did, ALL_KINDS);
        caches.firstStage.invalidateDomain(did);
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
        caches.iotlb.invalidateDomain(did, FIRST_STAGE_KINDS);
        caches.firstStage.invalidateDomain(did);
        if (!ih) {
            caches.secondStage.invalidateDomain(did);
        }
    }

    public void pasidIotlbAll(int did, int pasid) {
        count("pasid-iotlb");
        caches.iotlb.invalidatePasid(did, pasid, ALL_KINDS);
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
