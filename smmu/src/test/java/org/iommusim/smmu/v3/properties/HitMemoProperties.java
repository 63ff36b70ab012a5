package org.iommusim.smmu.v3.properties;

import static org.iommusim.proptest.Props.gen;
import static org.iommusim.proptest.Props.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import org.iommusim.core.cache.CacheConfig;
import org.iommusim.core.cache.ReplacementPolicy;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.request.TranslationResult;
import org.iommusim.smmu.v3.SmmuV3;
import org.iommusim.smmu.v3.cache.CacheSizes;
import org.iommusim.smmu.v3.driver.CdTable;
import org.iommusim.smmu.v3.driver.DriverMemory;
import org.iommusim.smmu.v3.driver.IoPageTable;
import org.iommusim.smmu.v3.driver.PageAllocator;
import org.iommusim.smmu.v3.driver.Prot;
import org.iommusim.smmu.v3.driver.SmmuV3Driver;
import org.iommusim.smmu.v3.preset.Presets;
import org.iommusim.smmu.v3.registers.ControlFields;
import org.iommusim.smmu.v3.registers.RegisterOffsets;
import org.iommusim.smmu.v3.ste.StreamTableEntry;
import org.iommusim.smmu.vmsa.Granule;
import org.junit.jupiter.api.Test;

/**
 * The hit memo changes nothing but cost: two SMMUs built alike, one with the memo and one without, given
 * the same random mix of translations (stage 1 with two SubstreamIDs, stage 2 only), table edits with
 * and without TLBI, CD invalidations and register writes, return equal translations and equal
 * statistics after every step.
 */
class HitMemoProperties {
    static final long BASE = 0x40_0000_0000L;
    static final int PAGES = 24;
    /** Pages PAGES .. PAGES + 3 lie in one 2 MiB block (a TLB hit there probes several sizes). */
    static final long LARGE = BASE + 0x20_0000L;
    static final int VMID = 3;

    static long address(int page) {
        return page < PAGES ? BASE + page * 0x1000L : LARGE + (page - PAGES) * 0x1000L;
    }

    /** kind: 0-5 translate (times), 6 remap, 7 remap + TLBI, 8 TLBI by ASID / CFGI_CD, 9 SMMUEN off/on. */
    record Op(int kind, int page, int stream, Access access, boolean privileged, int times) {
    }

    /** Up to 200 operations of any kind, on any page (the block's too), any of the four streams, any access. */
    static List<Op> ops(RandomGenerator r) {
        int n = r.nextInt(0, 201);
        List<Op> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ops.add(new Op(r.nextInt(0, 10), r.nextInt(0, PAGES + 4), r.nextInt(0, 4),
                    Access.values()[r.nextInt(0, Access.values().length)], r.nextBoolean(), r.nextInt(1, 5)));
        }
        return ops;
    }

    /** StreamID 1: stage 1 through CDs 0 (ASID 1) and 1 (ASID 2); StreamID 2: stage 2 only. */
    static final class Unit {
        final SmmuV3 smmu;
        final SmmuV3Driver driver;
        final IoPageTable[] s1 = new IoPageTable[2];
        final IoPageTable s2;

        Unit(boolean memo, int tlbEntries, ReplacementPolicy policy) {
            PhysicalMemory memory = new PhysicalMemory(48);
            CacheSizes d = CacheSizes.DEFAULT;
            CacheSizes sizes = new CacheSizes(new CacheConfig(tlbEntries, 2, policy, 5),
                    new CacheConfig(2, 2, policy, 6), new CacheConfig(2, 2, policy, 7), d.stage1Walk(),
                    d.stage2Walk(), d.ipa());
            smmu = new SmmuV3(memory, Presets.DEFAULT, sizes);
            smmu.setHitMemoEnabled(memo);
            PageAllocator alloc = new PageAllocator(DriverMemory.physical(memory), 0x1000_0000L, 0x2000_0000L);
            driver = new SmmuV3Driver(smmu, alloc, SmmuV3Driver.StreamTableFormat.LINEAR, 4);
            driver.init();
            CdTable cds = new CdTable(alloc, StreamTableEntry.S1FMT_LINEAR, 1);
            for (int t = 0; t < 2; t++) {
                s1[t] = new IoPageTable(alloc, 1, Granule.GRANULE_4K, 48, 48);
                for (int p = 0; p < PAGES - 4; p++) {
                    int prot = Prot.READ | (p % 3 == 0 ? 0 : Prot.WRITE) | (p % 5 == 0 ? Prot.PRIV : 0);
                    s1[t].map(BASE + p * 0x1000L, 0x8000_0000L + t * 0x100_0000L + p * 0x1000L, 0x1000, prot);
                }
                s1[t].map(LARGE, 0x7000_0000L + t * 0x20_0000L, 0x20_0000L, Prot.READ | Prot.WRITE);
                cds.write(t, 1 + t, s1[t], 0);
            }
            driver.attachStage1(1, cds);
            s2 = new IoPageTable(alloc, 2, Granule.GRANULE_4K, 48, 48);
            for (int p = 0; p < PAGES - 4; p++) {
                s2.map(BASE + p * 0x1000L, 0x9000_0000L + p * 0x1000L, 0x1000,
                        Prot.READ | (p % 3 == 0 ? 0 : Prot.WRITE));
            }
            s2.map(LARGE, 0x7400_0000L, 0x20_0000L, Prot.READ | Prot.WRITE);
            driver.attachStage2(2, VMID, s2);
        }

        Translation apply(Op op) {
            long page = address(op.page());
            switch (op.kind()) {
                case 6, 7 -> {
                    if (op.page() >= PAGES) {
                        return null;
                    }
                    for (int t = 0; t < 2; t++) {
                        s1[t].unmap(page, 0x1000);
                        s1[t].map(page, 0xA000_0000L + t * 0x100_0000L + op.page() * 0x1000L, 0x1000, Prot.READ);
                    }
                    s2.unmap(page, 0x1000);
                    s2.map(page, 0xB000_0000L + op.page() * 0x1000L, 0x1000, Prot.READ);
                    if (op.kind() == 7) {
                        driver.invalidateVa(0, 1, page, true);
                        driver.invalidateVa(0, 2, page, true);
                        driver.invalidateIpa(VMID, page);
                    }
                    return null;
                }
                case 8 -> {
                    if (op.stream() % 2 == 0) {
                        driver.invalidateAsid(0, 1 + op.stream() / 2);
                    } else {
                        driver.invalidateCd(1, op.stream() / 2);
                    }
                    return null;
                }
                case 9 -> {
                    long cr0 = smmu.mmioRead(RegisterOffsets.CR0, 4);
                    smmu.mmioWrite(RegisterOffsets.CR0, 4, cr0 & ~ControlFields.CR0_SMMUEN);
                    Translation off = smmu.translate(TranslationRequest.of(1, page, Access.READ));
                    smmu.mmioWrite(RegisterOffsets.CR0, 4, cr0);
                    return off;
                }
                default -> {
                    // streams: 0 SID 1 without SSID (CD 0), 1 and 2 SID 1 with SSID 0 / 1, 3 SID 2 (stage 2)
                    int sid = op.stream() == 3 ? 2 : 1;
                    int ssid = op.stream() == 1 ? 0 : op.stream() == 2 ? 1 : TranslationRequest.NO_PASID;
                    TranslationRequest r = new TranslationRequest(sid, ssid, page + 0x18, op.access(), op.privileged());
                    Translation t = null;
                    for (int i = 0; i < op.times(); i++) {
                        t = smmu.translate(r);
                    }
                    return t;
                }
            }
        }
    }

    /** Fails if a register write (here CR0.SMMUEN off and on) does not retire the memoised hits. */
    @Test
    void theMemoChangesNothingButCost() {
        qt(100).forAll(gen(HitMemoProperties::ops), integers().between(1, 4),
                arbitrary().enumValues(ReplacementPolicy.class)).checkAssert(HitMemoProperties::theMemoChangesNothingButCost);
    }

    private static void theMemoChangesNothingButCost(List<Op> ops, int tlbLog, ReplacementPolicy policy) {
        Unit with = new Unit(true, 2 << tlbLog, policy);
        Unit without = new Unit(false, 2 << tlbLog, policy);
        assertEquals(without.smmu.statistics(), with.smmu.statistics());
        for (Op op : ops) {
            assertEquals(without.apply(op), with.apply(op), op.toString());
            assertEquals(without.smmu.statistics(), with.smmu.statistics(), op.toString());
        }
    }

    /**
     * The same comparison on one long fixed sequence, checked to exercise the memo a lot.
     * Fails if a register write (here CR0.SMMUEN off and on) does not retire the memoised hits.
     */
    @Test
    void aLongSequenceWithManyMemoHits() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
        Unit with = new Unit(true, 16, ReplacementPolicy.LRU);
        Unit without = new Unit(false, 16, ReplacementPolicy.LRU);
        for (int n = 0; n < 20_000; n++) {
            int k = rnd.nextInt(100);
            Op op = new Op(k < 94 ? 0 : 6 + (k - 94) % 4, rnd.nextInt(8) * 3 + rnd.nextInt(2), rnd.nextInt(4),
                    Access.values()[rnd.nextInt(2)], false, 1 + rnd.nextInt(3));
            assertEquals(without.apply(op), with.apply(op), op.toString());
            assertEquals(without.smmu.statistics(), with.smmu.statistics(), op.toString());
        }
        assertEquals(0, without.smmu.hitMemoHits());
        assertTrue(with.smmu.hitMemoHits() > 2_000, "memo hits: " + with.smmu.hitMemoHits());
    }

    /**
     * A hit on a 2 MiB TLB entry is found after the 4 KiB probes missed: a later fill of a 4 KiB entry
     * for the same page (into a free slot, no entry changed) must retire it. The guest splits a read-only
     * 2 MiB block into writable pages without TLBI; a write, which the block's entry does not permit,
     * walks the new table and fills the 4 KiB entry that now answers reads too.
     * Fails (in its scenario check) if stage 1 ignores AP[2].
     */
    @Test
    void aFillThatShadowsAMemoisedHitRetiresIt() {
        Unit with = new Unit(true, 64, ReplacementPolicy.LRU);
        Unit without = new Unit(false, 64, ReplacementPolicy.LRU);
        TranslationRequest read = TranslationRequest.of(1, LARGE + 0x18, Access.READ);
        TranslationRequest write = TranslationRequest.of(1, LARGE + 0x18, Access.WRITE);
        for (Unit u : List.of(with, without)) {
            u.s1[0].unmap(LARGE, 0x20_0000L);
            u.s1[0].map(LARGE, 0x7000_0000L, 0x20_0000L, Prot.READ);
            u.driver.invalidateVa(0, 1, LARGE, true);
            for (int i = 0; i < 3; i++) {
                u.smmu.translate(read);
            }
            u.s1[0].unmap(LARGE, 0x20_0000L);
            u.s1[0].map(LARGE, 0xD000_0000L, 0x1000, Prot.READ | Prot.WRITE);
        }
        assertEquals(1, with.smmu.hitMemoHits());
        assertEquals(without.smmu.translate(write), with.smmu.translate(write));
        Translation reference = without.smmu.translate(read);
        assertEquals(0xD000_0018L, ((TranslationResult) reference).outputAddress(read.iova()),
                "the scenario: the new 4 KiB entry now answers the read");
        assertEquals(reference, with.smmu.translate(read));
        assertEquals(without.smmu.statistics(), with.smmu.statistics());
    }

    /** Fails if a TLBI by address removes no TLB entry. */
    @Test
    void repeatedHitsComeFromTheMemoAndStaleOnesDoNot() {
        Unit u = new Unit(true, 64, ReplacementPolicy.LRU);
        TranslationRequest r = TranslationRequest.of(1, BASE + 0x1008, Access.READ);
        Translation first = u.smmu.translate(r);   // walk and fill
        Translation second = u.smmu.translate(r);  // a full TLB hit: memoised
        long tlbHits = u.smmu.statistics().get("tlb.hits");
        long steHits = u.smmu.statistics().get("cache.ste.hits");
        Translation third = u.smmu.translate(r);   // from the memo
        assertEquals(1, u.smmu.hitMemoHits());
        assertSame(first, second);
        assertSame(second, third);
        assertEquals(tlbHits + 1, u.smmu.statistics().get("tlb.hits"), "a memo hit counts as the TLB hit it repeats");
        assertEquals(steHits + 1, u.smmu.statistics().get("cache.ste.hits"));
        // remap without invalidating: the cached translation stays, as on hardware ...
        u.s1[0].unmap(BASE + 0x1000, 0x1000);
        u.s1[0].map(BASE + 0x1000, 0xC000_0000L, 0x1000, Prot.READ);
        assertEquals(0x8000_1008L, ((TranslationResult) u.smmu.translate(r)).outputAddress(r.iova()));
        // ... until software invalidates it
        u.driver.invalidateVa(0, 1, BASE + 0x1000, true);
        assertEquals(0xC000_0008L, ((TranslationResult) u.smmu.translate(r)).outputAddress(r.iova()));
        assertEquals(0xC000_0008L, ((TranslationResult) u.smmu.translate(r)).outputAddress(r.iova()));
    }
}
