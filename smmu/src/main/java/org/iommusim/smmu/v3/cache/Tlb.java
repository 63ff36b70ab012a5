package org.iommusim.smmu.v3.cache;

import org.iommusim.core.cache.CacheConfig;
import org.iommusim.core.cache.CacheEpoch;
import org.iommusim.core.cache.CacheStatistics;
import org.iommusim.core.cache.TranslationCache;

/**
 * The SMMU TLB (IHI 0070 16.2, "Caching"): combined translations tagged by VMID, ASID, input address,
 * page size (granule and level) and translation regime. A stage-1 leaf with nG = 0 is global: it
 * matches any ASID. Entries stay until a TLBI command removes them or a fill evicts them.
 *
 * <p>A lookup probes each page size the configuration can produce (a few primitive-key probes, no
 * allocation), first with the ASID and then as global.
 */
public final class Tlb {
    public static final int REGIME_S1 = 1;
    public static final int REGIME_S2 = 2;
    public static final int REGIME_NESTED = 3;
    public static final int REGIME_S1_EL2 = 4;

    private final TranslationCache<TlbEntry> cache;
    private long lookups;
    private long hits;
    private int lastProbes;

    /** @param epoch the clock of the SMMU's caches; TLB changes are stamped per slot (see HitMemo) */
    public Tlb(CacheConfig config, CacheEpoch epoch) {
        this.cache = new TranslationCache<>("tlb", config, epoch, true); // tracked per slot: see HitMemo
    }

    /** The cache itself, for the hit memo. */
    public TranslationCache<TlbEntry> cache() {
        return cache;
    }

    /** Probes the last hit made: an ASID probe and (stage 1) a global probe per page size tried. */
    public int lastProbes() {
        return lastProbes;
    }

    static long key0(int vmid, int asid, boolean global, int regime) {
        return (vmid & 0xFFFFL) | ((global ? 0 : asid & 0xFFFFL) << 16) | ((global ? 1L : 0) << 32)
                | ((long) regime << 33);
    }

    static long key1(long input, int log2Size) {
        return (input & -(1L << log2Size)) | log2Size;
    }

    /**
     * Finds the entry covering {@code input}.
     *
     * @param log2Sizes the page sizes to probe (log2), in any order
     * @param stage1    the regime has a stage 1 (probe global entries too)
     */
    public TlbEntry lookup(int vmid, int asid, int regime, boolean stage1, long input, int[] log2Sizes) {
        lookups++;
        long k0 = key0(vmid, asid, false, regime);
        long g0 = key0(vmid, 0, true, regime);
        int probes = 0;
        for (int size : log2Sizes) {
            long k1 = key1(input, size);
            probes++;
            TlbEntry e = cache.lookup(k0, k1);
            if (e == null && stage1) {
                probes++;
                e = cache.lookup(g0, k1);
            }
            if (e != null) {
                hits++;
                lastProbes = probes;
                return e;
            }
        }
        return null;
    }

    /** False when sized 0: a translation then skips building the entry it would fill. */
    public boolean enabled() {
        return cache.enabled();
    }

    public void fill(TlbEntry e) {
        cache.fill(key0(e.vmid(), e.asid(), e.global(), e.regime()), key1(e.inputBase(), e.log2Size()), e);
    }

    public int invalidateAll() {
        return cache.invalidateAll();
    }

    /** Removes the entries the predicate selects. */
    public int invalidate(java.util.function.Predicate<TlbEntry> which) {
        return cache.invalidateIf((k0, k1, e) -> which.test(e));
    }

    public int size() {
        return cache.size();
    }

    public long lookups() {
        return lookups;
    }

    public long hits() {
        return hits;
    }

    public CacheStatistics statistics() {
        return cache.statistics();
    }
}
