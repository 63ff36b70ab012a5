package org.iommusim.vtd.cache;

import org.iommusim.core.cache.CacheConfig;
import org.iommusim.core.cache.CacheEpoch;
import org.iommusim.core.cache.CacheStatistics;
import org.iommusim.core.cache.TranslationCache;
import org.iommusim.core.request.TranslationResult;

/**
 * The IOTLB (section 6.2.1): translations tagged by domain-id, PASID, input page and page size, kept in
 * a {@link TranslationCache}. One lookup probes the three page sizes in turn, allocating nothing.
 *
 * <p>Key word 0 packs DID (bits 15:0), PASID + 1 (bits 36:16, 0 for no PASID) and the page-size code
 * (bits 41:40); key word 1 is the input page number at that size.
 */
public final class Iotlb {
    private static final int[] SHIFTS = {12, 21, 30};
    private final TranslationCache<IotlbEntry> cache;
    /** Lookups that found nothing at any page size (a hit is one cache hit, so hits need no counter). */
    private long misses;
    private int lastProbes;

    /** @param epoch the clock of the unit's caches; IOTLB changes are stamped per slot (see HitMemo) */
    public Iotlb(CacheConfig config, CacheEpoch epoch) {
        this.cache = new TranslationCache<>("iotlb", config, epoch, true); // tracked per slot: see HitMemo
    }

    static long key0(int did, int pasid, int sizeCode) {
        return (did & 0xFFFFL) | ((long) (pasid + 1) << 16) | ((long) sizeCode << 40);
    }

    /** The entry translating {@code iova} for the domain and PASID (-1: none), or null. */
    public IotlbEntry lookup(int did, int pasid, long iova) {
        for (int i = 0; i < SHIFTS.length; i++) {
            IotlbEntry e = cache.lookup(key0(did, pasid, i), iova >>> SHIFTS[i]);
            if (e != null) {
                lastProbes = i + 1;
                return e;
            }
        }
        misses++;
        return null;
    }

    /** The cache itself, for the unit's hit memo. */
    public TranslationCache<IotlbEntry> cache() {
        return cache;
    }

    /** The slot of the entry the last hit returned. */
    public int lastHitSlot() {
        return cache.lastHitSlot();
    }

    /** How many page sizes the last hit probed before it found its entry (1 for 4 KiB). */
    public int lastProbes() {
        return lastProbes;
    }

    /** Caches a translation of the page at {@code iovaBase}; a disabled IOTLB builds no entry. */
    public void fill(int did, int pasid, IotlbEntry.Kind kind, long iovaBase, TranslationResult user,
                     TranslationResult supervisor, boolean writeReady) {
        if (cache.enabled()) {
            fill(new IotlbEntry(did, pasid, kind, iovaBase, user, supervisor, writeReady));
        }
    }

    private void fill(IotlbEntry entry) {
        int code = Long.numberOfTrailingZeros(entry.pageSize()) == 30 ? 2
                : Long.numberOfTrailingZeros(entry.pageSize()) == 21 ? 1 : 0;
        cache.fill(key0(entry.did(), entry.pasid(), code), entry.iovaBase() >>> SHIFTS[code], entry);
    }

    public int invalidateAll() {
        return cache.invalidateAll();
    }

    /** Removes the entries of one domain that {@code kinds} selects. */
    public int invalidateDomain(int did, java.util.Set<IotlbEntry.Kind> kinds) {
        return cache.invalidateIf((k0, k1, e) -> e.did() == did && kinds.contains(e.kind()));
    }

    /**
     * Removes the entries of a domain (and PASID, unless {@code pasid} is -2 meaning any) whose page
     * overlaps {@code [address, address + size)}, among {@code kinds}.
     */
    public int invalidateRange(int did, int pasid, long address, long size, java.util.Set<IotlbEntry.Kind> kinds) {
        long last = address + size - 1;
        return cache.invalidateIf((k0, k1, e) -> e.did() == did && (pasid == -2 || e.pasid() == pasid)
                && kinds.contains(e.kind())
                && Long.compareUnsigned(e.iovaBase(), last) <= 0
                && Long.compareUnsigned(e.iovaBase() + e.pageSize() - 1, address) >= 0);
    }

    /** Removes every entry of a domain and PASID among {@code kinds}. */
    public int invalidatePasid(int did, int pasid, java.util.Set<IotlbEntry.Kind> kinds) {
        return cache.invalidateIf((k0, k1, e) -> e.did() == did && e.pasid() == pasid && kinds.contains(e.kind()));
    }

    public int size() {
        return cache.size();
    }

    public long hits() {
        return cache.statistics().hits();
    }

    public long misses() {
        return misses;
    }

    public CacheStatistics statistics() {
        return cache.statistics();
    }
}
