package org.iommusim.smmu.v2;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.iommusim.core.bits.Bits;
import org.iommusim.core.cache.CacheEpoch;
import org.iommusim.core.cache.CacheStatistics;
import org.iommusim.core.cache.HitMemo;
import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.memory.AccessPurpose;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Fault;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.request.TranslationResult;
import org.iommusim.smmu.v2.contextbank.ContextBank;
import org.iommusim.smmu.v2.fault.GlobalFault;
import org.iommusim.smmu.v2.registers.AddressMap;
import org.iommusim.smmu.v2.registers.ContextBankRegisters;
import org.iommusim.smmu.v2.registers.GlobalRegisters;
import org.iommusim.smmu.v2.registers.Idr0;
import org.iommusim.smmu.v2.registers.Idr1;
import org.iommusim.smmu.v2.registers.Idr2;
import org.iommusim.smmu.v2.registers.Scr0;
import org.iommusim.smmu.v2.streammatch.StreamMatchRegister;
import org.iommusim.smmu.v2.tlb.SmmuTlb;

/**
 * An Arm SMMUv2 (Arm IHI 0062, SMMU architecture version 2): the global register space (GR0, GR1), one
 * page of registers per translation context bank, stream matching, and translation by stage-1,
 * stage-2 and nested context banks over VMSAv8-64 tables with a VMID/ASID-tagged TLB. The register
 * map follows chapter 8; {@link TranslationUnit} follows the transaction flow of section 2.1.
 *
 * <p>Software programs it only through {@link #mmioWrite} and the physical memory its tables live in.
 */
public final class SmmuV2 implements Iommu {
    private final PhysicalMemory memory;
    private final SmmuV2Config config;
    final Idr0 idr0;
    final Idr1 idr1;
    final Idr2 idr2;
    final AddressMap map;
    /** Stream mapping groups: NUMSMRG with stream matching, 2^NUMSIDB (at most 128) with indexing. */
    final int groups;
    final int numcb;
    final int streamIdBits;

    int scr0 = Scr0.RESET;
    private int scr2;
    private int sacr;
    long sgfar;
    int sgfsr;
    int sgfsynr0;
    int sgfsynr1;
    private int sgfsynr2;
    final int[] smr;
    final int[] s2cr;
    final ContextBank[] banks;
    final SmmuTlb tlb;
    private final TranslationUnit unit;
    /**
     * The hit memo's clock: advanced on every register write and on every fault (a context fault
     * outstanding makes later transactions terminate); TLB changes are stamped per slot.
     */
    private final CacheEpoch epoch = new CacheEpoch();
    /** Pure TLB hits by request (see {@link HitMemo}). */
    private final HitMemo memo;

    long globalSyncs;
    long contextSyncs;

    public SmmuV2(PhysicalMemory memory, SmmuV2Config config) {
        this.memory = Objects.requireNonNull(memory, "memory");
        this.config = Objects.requireNonNull(config, "config");
        this.idr0 = new Idr0(config.idr0());
        this.idr1 = new Idr1(config.idr1());
        this.idr2 = new Idr2(config.idr2());
        this.map = AddressMap.of(idr1);
        this.streamIdBits = idr0.numsidb();
        this.groups = idr0.sms() ? Math.min(idr0.numsmrg(), GlobalRegisters.MAX_MAPPING_GROUPS)
                : Math.min(1 << streamIdBits, GlobalRegisters.MAX_MAPPING_GROUPS);
        // A context bank needs a page in the context-bank half (section 8.1).
        this.numcb = Math.min(Math.min(idr1.numcb(), GlobalRegisters.MAX_CONTEXT_BANKS), map.numPage());
        // IDR2.PTFSv8 as bit 0 4K, bit 1 16K, bit 2 64K: what the banks decode their controls against
        int granules = (idr2.granuleSupported(12) ? 1 : 0) | (idr2.granuleSupported(14) ? 2 : 0)
                | (idr2.granuleSupported(16) ? 4 : 0);
        this.smr = new int[groups];
        this.s2cr = new int[groups];
        this.banks = new ContextBank[numcb];
        for (int i = 0; i < numcb; i++) {
            banks[i] = new ContextBank(i, granules, idr2.iasBits(), idr2.oasBits());
        }
        this.tlb = new SmmuTlb(config.tlb(), epoch);
        this.memo = new HitMemo(HitMemo.DEFAULT_ENTRIES_LOG2, epoch, tlb.cache());
        this.unit = new TranslationUnit(this, memory);
    }

    public AddressMap addressMap() {
        return map;
    }

    /** Receives every page-table reference of later walks (explainers, reference-counting tests). */
    @Override
    public void setWalkTrace(org.iommusim.core.walk.WalkTrace trace) {
        unit.setTrace(trace);
    }

    @Override
    public String kind() {
        return "smmuv2";
    }

    @Override
    public PhysicalMemory memory() {
        return memory;
    }

    /**
     * IHI 0062 has no ATS (no EATS, no ATSCHK, no Translated attribute): a request marked
     * {@link TranslationRequest#translated()} is translated like any other, the flag is ignored.
     */
    @Override
    public Translation translate(TranslationRequest request) {
        Objects.requireNonNull(request, "request");
        long k0 = memoKey(request);
        long k1 = request.iova() >>> 12;
        TranslationResult hit = memo.find(k0, k1);
        return hit != null ? hit : fullLookup(request, k0, k1);
    }

    /**
     * Everything of a request but its address that decides its translation: StreamID (31:0), access
     * (33:32), privileged (34). The address enters the memo as its 4 KiB page, the smallest granule.
     * The PASID and the translated flag do not exist in IHI 0062 and are ignored, as by the full path.
     */
    private static long memoKey(TranslationRequest r) {
        Access a = r.access();
        // compared with the constants rather than through ordinal(): one load fewer on every hit
        long access = a == Access.READ ? 0 : a == Access.WRITE ? 1L << 32 : 2L << 32;
        return (r.sourceId() & 0xFFFF_FFFFL) | access | (r.privileged() ? 1L << 34 : 0);
    }

    /** Stream matching, the context bank, the TLB and the walk; a pure TLB hit is memoised. */
    private Translation fullLookup(TranslationRequest request, long k0, long k1) {
        memo.settle(); // the lookup below reads and changes the TLB the memo hits stand for
        Translation t = unit.translate(request);
        if (t instanceof Fault) {
            memo.settleAndAdvance(); // FSR may now hold an outstanding fault that terminates later requests
        } else if (unit.pureHit) {
            memo.put(k0, k1, (TranslationResult) t, tlb.cache().lastHitSlot(), tlb.lastProbes());
        }
        return t;
    }

    /**
     * Turns the hit memo off or on. The SMMU behaves identically either way (same results, faults,
     * statistics); only the cost of a repeated TLB hit differs. On by default.
     */
    public void setHitMemoEnabled(boolean on) {
        memo.setEnabled(on);
    }

    /**
     * Translations the hit memo answered. Not in {@link #statistics()}, which is the same with the memo
     * on or off: this counts the simulator's shortcut, not anything the SMMU does.
     */
    public long hitMemoHits() {
        return memo.hits();
    }

    boolean vmid16Enabled() {
        return (scr0 & Scr0.VMID16EN) != 0;
    }

    // ---- MMIO ----

    @Override
    public long mmioRead(long offset, int width) {
        Iommu.checkWidth(width);
        if (width == 8) {
            return (read32(offset) & 0xFFFF_FFFFL) | ((long) read32(offset + 4) << 32);
        }
        return read32(offset) & 0xFFFF_FFFFL;
    }

    @Override
    public void mmioWrite(long offset, int width, long value) {
        Iommu.checkWidth(width);
        memo.settleAndAdvance(); // any register may change how a request translates: forget memoised hits
        if (offset < 0 || offset >= map.size()) {
            return;
        }
        if (offset >= map.contextBankBase()) {
            int n = (int) ((offset - map.contextBankBase()) >>> map.pageShift());
            if (n < numcb) {
                writeContextBank(banks[n], (int) (offset & (map.pageSize() - 1)), width, value);
            }
            return;
        }
        if (width == 8) {
            write32(offset, (int) value);
            write32(offset + 4, (int) (value >>> 32));
        } else {
            write32(offset, (int) value);
        }
    }

    private int read32(long offset) {
        if (offset < 0 || offset >= map.size() || (offset & 3) != 0) {
            return 0;
        }
        if (offset >= map.contextBankBase()) {
            int n = (int) ((offset - map.contextBankBase()) >>> map.pageShift());
            return n < numcb ? banks[n].read32((int) (offset & (map.pageSize() - 1))) : 0;
        }
        if (offset >= map.gr1Base() && offset < 2 * map.pageSize()) {
            return readGr1((int) (offset - map.gr1Base()));
        }
        return offset < map.pageSize() ? readGr0((int) offset) : 0;
    }

    private void write32(long offset, int value) {
        if ((offset & 3) != 0) {
            return;
        }
        if (offset >= map.gr1Base() && offset < 2 * map.pageSize()) {
            writeGr1((int) (offset - map.gr1Base()), value);
        } else if (offset < map.pageSize()) {
            writeGr0((int) offset, value);
        }
    }

    private int readGr0(int off) {
        if (off >= GlobalRegisters.SMR && off < GlobalRegisters.SMR + 4 * GlobalRegisters.MAX_MAPPING_GROUPS) {
            int n = (off - GlobalRegisters.SMR) >>> 2;
            return idr0.sms() && n < groups ? smr[n] : 0;
        }
        if (off >= GlobalRegisters.S2CR && off < GlobalRegisters.S2CR + 4 * GlobalRegisters.MAX_MAPPING_GROUPS) {
            int n = (off - GlobalRegisters.S2CR) >>> 2;
            return n < groups ? s2cr[n] : 0;
        }
        switch (off) {
            case GlobalRegisters.SCR0: return scr0;
            case GlobalRegisters.SCR2: return scr2;
            case GlobalRegisters.SACR: return sacr;
            case GlobalRegisters.IDR0: return config.idr0();
            case GlobalRegisters.IDR1: return config.idr1();
            case GlobalRegisters.IDR2: return config.idr2();
            case GlobalRegisters.IDR7: return config.idr7();
            case GlobalRegisters.SGFAR: return (int) sgfar;
            case GlobalRegisters.SGFAR + 4: return (int) (sgfar >>> 32);
            case GlobalRegisters.SGFSR: return sgfsr;
            case GlobalRegisters.SGFSYNR0: return sgfsynr0;
            case GlobalRegisters.SGFSYNR1: return sgfsynr1;
            case GlobalRegisters.SGFSYNR2: return sgfsynr2;
            // Maintenance completes at once, so a sync is never active.
            case GlobalRegisters.STLBGSTATUS: return 0;
            default: return 0;
        }
    }

    private void writeGr0(int off, int value) {
        if (off >= GlobalRegisters.SMR && off < GlobalRegisters.SMR + 4 * GlobalRegisters.MAX_MAPPING_GROUPS) {
            int n = (off - GlobalRegisters.SMR) >>> 2;
            if (idr0.sms() && n < groups) {
                smr[n] = StreamMatchRegister.written(value, streamIdBits);
            }
            return;
        }
        if (off >= GlobalRegisters.S2CR && off < GlobalRegisters.S2CR + 4 * GlobalRegisters.MAX_MAPPING_GROUPS) {
            int n = (off - GlobalRegisters.S2CR) >>> 2;
            if (n < groups) {
                s2cr[n] = value;
            }
            return;
        }
        switch (off) {
            case GlobalRegisters.SCR0 -> scr0 = value & scr0Writable();
            case GlobalRegisters.SCR2 -> scr2 = value;
            case GlobalRegisters.SACR -> sacr = value;
            case GlobalRegisters.SGFAR -> sgfar = (sgfar & 0xFFFF_FFFF_0000_0000L) | (value & 0xFFFF_FFFFL);
            case GlobalRegisters.SGFAR + 4 -> sgfar = (sgfar & 0xFFFF_FFFFL) | ((long) value << 32);
            case GlobalRegisters.SGFSR -> sgfsr &= ~value;
            case GlobalRegisters.SGFSRRESTORE -> sgfsr = value;
            case GlobalRegisters.SGFSYNR0 -> sgfsynr0 = value;
            case GlobalRegisters.SGFSYNR1 -> sgfsynr1 = value;
            case GlobalRegisters.SGFSYNR2 -> sgfsynr2 = value;
            case GlobalRegisters.TLBIVMID -> tlb.invalidateVmid(value & vmidMask());
            case GlobalRegisters.TLBIVMIDS1 -> tlb.invalidateStage1(value & vmidMask());
            case GlobalRegisters.TLBIALLNSNH -> tlb.invalidateAll();
            case GlobalRegisters.STLBGSYNC -> globalSyncs++;
            default -> {
                // Read-only (IDRn, sTLBGSTATUS), Secure-only, Hyp (TLBIALLH: no Hyp entries) or absent.
            }
        }
    }

    /** sCR0 bits this model lets software set: EXIDENABLE only with IDR0.EXIDS, VMID16EN only with VMID16S. */
    private int scr0Writable() {
        int mask = ~0;
        if (!Bits.bit(config.idr0(), 8)) {
            mask &= ~Scr0.EXIDENABLE;
        }
        if (!idr2.vmid16s()) {
            mask &= ~Scr0.VMID16EN;
        }
        return mask;
    }

    private int vmidMask() {
        return vmid16Enabled() ? 0xFFFF : 0xFF;
    }

    private int readGr1(int off) {
        int n = (off & 0x3FF) >>> 2;
        if (n >= numcb) {
            return 0;
        }
        switch (off & ~0x3FF) {
            case GlobalRegisters.CBAR: return banks[n].cbar();
            case GlobalRegisters.CBFRSYNRA: return banks[n].cbfrsynra();
            case GlobalRegisters.CBA2R: return banks[n].cba2r();
            default: return 0;
        }
    }

    private void writeGr1(int off, int value) {
        int n = (off & 0x3FF) >>> 2;
        if (n >= numcb) {
            return;
        }
        switch (off & ~0x3FF) {
            case GlobalRegisters.CBAR -> banks[n].writeCbar(value);
            case GlobalRegisters.CBFRSYNRA -> banks[n].writeCbfrsynra(value);
            case GlobalRegisters.CBA2R -> banks[n].writeCba2r(value);
            default -> {
            }
        }
    }

    private void writeContextBank(ContextBank bank, int off, int width, long value) {
        boolean stage1Bank = bank.index() >= idr1.nums2cb();
        int vmid = bank.vmid(vmid16Enabled());
        switch (off) {
            case ContextBankRegisters.TLBIVA, ContextBankRegisters.TLBIVAL -> {
                if (stage1Bank) {
                    int asid = (int) (value >>> 48);
                    tlb.invalidateVa(vmid, Bits.bit(bank.tcr2(), 4) ? asid : asid & 0xFF, tlbiAddress(value));
                }
            }
            case ContextBankRegisters.TLBIVAA, ContextBankRegisters.TLBIVAAL -> {
                if (stage1Bank) {
                    tlb.invalidateVaAllAsids(vmid, tlbiAddress(value));
                }
            }
            case ContextBankRegisters.TLBIASID -> {
                if (stage1Bank) {
                    int asid = (int) value & 0xFFFF;
                    tlb.invalidateAsid(vmid, Bits.bit(bank.tcr2(), 4) ? asid : asid & 0xFF);
                }
            }
            case ContextBankRegisters.TLBIALL -> {
                if (stage1Bank) {
                    tlb.invalidateStage1(vmid);
                }
            }
            case ContextBankRegisters.TLBIIPAS2, ContextBankRegisters.TLBIIPAS2L ->
                    tlb.invalidateIpa(vmid, (value & Bits.mask(35, 0)) << 12);
            case ContextBankRegisters.TLBSYNC -> contextSyncs++;
            // TLBI registers are write-only; their upper halves take no separate write.
            case ContextBankRegisters.TLBIVA + 4, ContextBankRegisters.TLBIVAA + 4, ContextBankRegisters.TLBIVAL + 4,
                    ContextBankRegisters.TLBIVAAL + 4, ContextBankRegisters.TLBIIPAS2 + 4,
                    ContextBankRegisters.TLBIIPAS2L + 4 -> {
            }
            default -> {
                if ((off & 3) != 0) {
                    return;
                }
                bank.write32(off, (int) value);
                if (width == 8) {
                    bank.write32(off + 4, (int) (value >>> 32));
                }
            }
        }
    }

    /** The VA of an AArch64 TLBIVA/TLBIVAA: Address[55:12] in bits[43:0], sign-extended from bit 55. */
    private static long tlbiAddress(long value) {
        long va = (value & Bits.mask(43, 0)) << 12;
        return (va << 8) >> 8;
    }

    // ---- global faults (Arm IHI 0062 section 3.8, sGFSR 9.6.15) ----

    /** Records a global fault: the first fills sGFSR, sGFAR, sGFSYNR0-1; later ones only set MULTI. */
    void recordGlobalFault(GlobalFault fault, long address, int syndrome0, int streamId) {
        if (sgfsr != 0) {
            sgfsr |= GlobalFault.SGFSR_MULTI;
            return;
        }
        sgfsr = 1 << fault.bit();
        sgfar = address;
        sgfsynr0 = syndrome0;
        sgfsynr1 = streamId & 0xFFFF;
    }

    // ---- the vendor-neutral view ----

    @Override
    public Map<String, Long> statistics() {
        Map<String, Long> m = new LinkedHashMap<>();
        // memo hits are counted lazily: hits() credits the TLB's cache; each was also a translation and one
        // TLB lookup that hit, which are added here
        long memoHits = memo.hits();
        m.put("translations", unit.translations + memoHits);
        m.put("bypassed", unit.bypassed);
        CacheStatistics s = tlb.cacheStatistics();
        m.put("tlb.lookups", tlb.lookups() + memoHits);
        m.put("tlb.hits", tlb.hits() + memoHits);
        m.put("tlb.misses", tlb.lookups() - tlb.hits());
        m.put("tlb.fills", s.fills());
        m.put("tlb.evictions", s.evictions());
        m.put("tlb.invalidations", s.invalidations());
        m.put("tlb.occupancy", (long) s.occupancy());
        m.put("tlb.capacity", (long) s.capacity());
        m.put("tlb.maintenance", tlb.maintenanceOperations());
        m.put("tlb.syncs.global", globalSyncs);
        m.put("tlb.syncs.context", contextSyncs);
        m.put("walks.stage1", unit.stage1Walks);
        m.put("walks.stage2", unit.stage2Walks);
        m.put("walks.memoryReferences", memory.references(AccessPurpose.PAGE_WALK));
        m.put("faults.context", unit.contextFaults);
        m.put("faults.global", unit.globalFaults);
        return m;
    }

    @Override
    public Map<String, Long> capabilities() {
        Map<String, Long> m = new LinkedHashMap<>();
        idr0.decode(m);
        idr1.decode(m);
        idr2.decode(m);
        m.put("IDR7.MAJOR", (long) Bits.field(config.idr7(), 7, 4));
        m.put("IDR7.MINOR", (long) Bits.field(config.idr7(), 3, 0));
        return m;
    }
}
