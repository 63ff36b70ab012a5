package org.iommusim.smmu.v2.tlb;

import org.iommusim.core.cache.CacheConfig;
import org.iommusim.core.cache.CacheEpoch;
import org.iommusim.core.cache.CacheStatistics;
import org.iommusim.core.cache.TranslationCache;
import org.iommusim.core.request.TranslationResult;

/**
 * The SMMU TLB (Arm IHI 0062 section 2.5 on TLB operation; section 5.4 and the TLBI registers of
 * sections 9.6, 16.5 and 17.3 on maintenance): one set-associative cache of stage-1 (VMID, ASID,
 * VA) and stage-2 (VMID, IPA) translations. An entry stays until a maintenance operation removes it
 * or a fill evicts it, so a driver that forgets to invalidate sees stale translations.
 *
 * <p>Key packing, two primitive words: key0 = stage2[40] | global[41] | privileged[32] | VMID[31:16] |
 * ASID[15:0] (0 for global and stage-2 entries), key1 = input address / 4 KiB. A stage-1 lookup probes
 * the ASID's key, then the global key. A page or block bigger than 4 KiB is filled once per 4 KiB page
 * that misses (each entry still describes the whole page); maintenance by address removes every entry
 * whose page covers the address. Lookups, hits and misses count translations asked for, not probes.
 */
public final class SmmuTlb {
    private static final long STAGE2 = 1L << 40;
    private static final long GLOBAL = 1L << 41;
    private static final long PRIVILEGED = 1L << 32;

    private final TranslationCache<TlbEntry> cache;
    private long lookups;
    private long hits;
    private long maintenanceOperations;
    private int lastProbes;

    /** @param epoch the clock of the hit memo; TLB changes are stamped per slot (see HitMemo) */
    public SmmuTlb(CacheConfig config, CacheEpoch epoch) {
        this.cache = new TranslationCache<>("smmuv2-tlb", config, epoch, true); // per slot: see HitMemo
    }

    /** The cache itself, for the hit memo. */
    public TranslationCache<TlbEntry> cache() {
        return cache;
    }

    /** Probes the last hit made: 1 for an ASID or stage-2 entry, 2 for a global one. */
    public int lastProbes() {
        return lastProbes;
    }

    private static long key0(long kind, int vmid, int asid, boolean privileged) {
        return kind | (privileged ? PRIVILEGED : 0) | ((vmid & 0xFFFFL) << 16) | (asid & 0xFFFFL);
    }

    /** A stage-1 (or combined nested) translation of {@code va} for the ASID or global, or null. */
    public TranslationResult lookupStage1(int vmid, int asid, boolean privileged, long va) {
        lookups++;
        long page = va >>> 12;
        TlbEntry e = cache.lookup(key0(0, vmid, asid, privileged), page);
        lastProbes = 1;
        if (e == null) {
            e = cache.lookup(key0(GLOBAL, vmid, 0, privileged), page);
            lastProbes = 2;
            if (e == null) {
                return null;
            }
        }
        hits++;
        return e.result();
    }

    /** A stage-2 translation of {@code ipa}, or null. */
    public TranslationResult lookupStage2(int vmid, long ipa) {
        lookups++;
        TlbEntry e = cache.lookup(key0(STAGE2, vmid, 0, false), ipa >>> 12);
        lastProbes = 1;
        if (e == null) {
            return null;
        }
        hits++;
        return e.result();
    }

    /**
     * @param global the leaf had nG = 0 (or there was no stage-1 leaf): the entry matches every ASID
     */
    public void fillStage1(int vmid, int asid, boolean global, boolean privileged, long va, long inputSize,
                           TranslationResult r) {
        if (!cache.enabled()) {
            return; // sized 0: no entry to build
        }
        long base = va & -inputSize;
        int tag = global ? 0 : asid;
        cache.fill(key0(global ? GLOBAL : 0, vmid, tag, privileged), va >>> 12,
                new TlbEntry(false, vmid, tag, global, privileged, base, inputSize, r));
    }

    public void fillStage2(int vmid, long ipa, long inputSize, TranslationResult r) {
        if (!cache.enabled()) {
            return; // sized 0: no entry to build
        }
        long base = ipa & -inputSize;
        cache.fill(key0(STAGE2, vmid, 0, false), ipa >>> 12,
                new TlbEntry(true, vmid, 0, false, false, base, inputSize, r));
    }

    // ---- maintenance ----

    /** TLBIVA / TLBIVAL: stage-1 entries of the VMID, for the ASID or global, that cover {@code va}. */
    public int invalidateVa(int vmid, int asid, long va) {
        maintenanceOperations++;
        return cache.invalidateIf((k0, k1, e) -> !e.stage2() && e.vmid() == vmid && e.matchesAsid(asid)
                && e.covers(va));
    }

    /** TLBIVAA / TLBIVAAL: stage-1 entries of the VMID, any ASID, that cover {@code va}. */
    public int invalidateVaAllAsids(int vmid, long va) {
        maintenanceOperations++;
        return cache.invalidateIf((k0, k1, e) -> !e.stage2() && e.vmid() == vmid && e.covers(va));
    }

    /** TLBIASID: non-global stage-1 entries of (VMID, ASID). */
    public int invalidateAsid(int vmid, int asid) {
        maintenanceOperations++;
        return cache.invalidateIf((k0, k1, e) -> !e.stage2() && !e.global() && e.vmid() == vmid
                && e.asid() == asid);
    }

    /** TLBIALL (context bank) and TLBIVMIDS1: every stage-1 entry of the VMID. */
    public int invalidateStage1(int vmid) {
        maintenanceOperations++;
        return cache.invalidateIf((k0, k1, e) -> !e.stage2() && e.vmid() == vmid);
    }

    /** TLBIIPAS2 / TLBIIPAS2L: stage-2 entries of the VMID that cover {@code ipa}. */
    public int invalidateIpa(int vmid, long ipa) {
        maintenanceOperations++;
        return cache.invalidateIf((k0, k1, e) -> e.stage2() && e.vmid() == vmid && e.covers(ipa));
    }

    /** TLBIVMID: every entry, either stage, of the VMID. */
    public int invalidateVmid(int vmid) {
        maintenanceOperations++;
        return cache.invalidateIf((k0, k1, e) -> e.vmid() == vmid);
    }

    /** TLBIALLNSNH: everything. */
    public int invalidateAll() {
        maintenanceOperations++;
        return cache.invalidateAll();
    }

    /** Translations looked up (stage 1 and stage 2), however many probes each took. */
    public long lookups() {
        return lookups;
    }

    public long hits() {
        return hits;
    }

    /** Fills, evictions, invalidations and occupancy of the underlying cache. */
    public CacheStatistics cacheStatistics() {
        return cache.statistics();
    }

    public long maintenanceOperations() {
        return maintenanceOperations;
    }
}
