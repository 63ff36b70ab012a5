package org.iommusim.smmu.v2.tlb;

import org.iommusim.core.cache.CacheConfig;
import org.iommusim.core.cache.CacheStatistics;
import org.iommusim.core.cache.TranslationCache;
import org.iommusim.core.request.TranslationResult;

/**
 * The SMMU TLB (Arm IHI 0062 section 2.5 on TLB operation; section 5.4 and the TLBI registers of
 * sections 9.6, 16.5 and 17.3 on maintenance): one set-associative cache of stage-1 (VMID, ASID,
 * VA) and stage-2 (VMID, IPA) translations. An entry stays until a maintenance operation removes it
 * or a fill evicts it, so a driver that forgets to invalidate sees stale translations.
 *
 * <p>Key packing, two primitive words: key0 = stage2[40] | privileged[32] | VMID[31:16] | ASID[15:0],
 * key1 = input address / 4 KiB. A page or block bigger than 4 KiB is filled once per 4 KiB page that
 * misses (each entry still describes the whole page); maintenance by address removes every entry whose
 * page covers the address.
 */
public final class SmmuTlb {
    private final TranslationCache<TlbEntry> cache;
    private long maintenanceOperations;

    public SmmuTlb(CacheConfig config) {
        this.cache = new TranslationCache<>("smmuv2-tlb", config);
    }

    private static long key0(boolean stage2, int vmid, int asid, boolean privileged) {
        return (stage2 ? 1L << 40 : 0) | (privileged ? 1L << 32 : 0) | ((vmid & 0xFFFFL) << 16) | (asid & 0xFFFFL);
    }

    /** A stage-1 (or combined nested) translation of {@code va}, or null. */
    public TranslationResult lookupStage1(int vmid, int asid, boolean privileged, long va) {
        TlbEntry e = cache.lookup(key0(false, vmid, asid, privileged), va >>> 12);
        return e == null ? null : e.result();
    }

    /** A stage-2 translation of {@code ipa}, or null. */
    public TranslationResult lookupStage2(int vmid, long ipa) {
        TlbEntry e = cache.lookup(key0(true, vmid, 0, false), ipa >>> 12);
        return e == null ? null : e.result();
    }

    public void fillStage1(int vmid, int asid, boolean privileged, long va, long inputSize, TranslationResult r) {
        long base = va & -inputSize;
        cache.fill(key0(false, vmid, asid, privileged), va >>> 12,
                new TlbEntry(false, vmid, asid, privileged, base, inputSize, r));
    }

    public void fillStage2(int vmid, long ipa, long inputSize, TranslationResult r) {
        long base = ipa & -inputSize;
        cache.fill(key0(true, vmid, 0, false), ipa >>> 12, new TlbEntry(true, vmid, 0, false, base, inputSize, r));
    }

    // ---- maintenance ----

    /** TLBIVA / TLBIVAL: stage-1 entries of (VMID, ASID) that cover {@code va}. */
    public int invalidateVa(int vmid, int asid, long va) {
        maintenanceOperations++;
        return cache.invalidateIf((k0, k1, e) -> !e.stage2() && e.vmid() == vmid && e.asid() == asid && e.covers(va));
    }

    /** TLBIVAA / TLBIVAAL: stage-1 entries of the VMID, any ASID, that cover {@code va}. */
    public int invalidateVaAllAsids(int vmid, long va) {
        maintenanceOperations++;
        return cache.invalidateIf((k0, k1, e) -> !e.stage2() && e.vmid() == vmid && e.covers(va));
    }

    /** TLBIASID: stage-1 entries of (VMID, ASID). */
    public int invalidateAsid(int vmid, int asid) {
        maintenanceOperations++;
        return cache.invalidateIf((k0, k1, e) -> !e.stage2() && e.vmid() == vmid && e.asid() == asid);
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

    public CacheStatistics statistics() {
        return cache.statistics();
    }

    public long maintenanceOperations() {
        return maintenanceOperations;
    }
}
