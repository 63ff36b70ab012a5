package org.iommusim.vtd;

import static org.iommusim.proptest.Props.gen;
import static org.iommusim.proptest.Props.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

import org.iommusim.core.iommu.MachineConfigException;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Permissions;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.request.TranslationResult;
import org.iommusim.vtd.driver.IoPageTable;
import org.iommusim.vtd.driver.PasidSetup;
import org.iommusim.vtd.driver.VtdDriver;
import org.iommusim.vtd.registers.GlobalCommand;
import org.iommusim.vtd.registers.RegisterOffsets;

import org.junit.jupiter.api.Test;

/**
 * The hit memo changes nothing but cost: two units built alike, one with the memo and one without,
 * given the same random mix of translations, table edits (with and without invalidation), invalidations
 * and register writes, return equal translations and equal statistics after every step.
 */
class HitMemoProperties {
    static final long BASE = 0x40_0000_0000L;
    static final int PAGES = 24;
    /** Pages PAGES .. PAGES + 3 lie in one 2 MiB page (an IOTLB hit there probes two page sizes). */
    static final long LARGE = BASE + 0x20_0000L;

    static long address(int page) {
        return page < PAGES ? BASE + page * 0x1000L : LARGE + (page - PAGES) * 0x1000L;
    }

    /**
     * kind: 0-5 translate (repeated {@code times}), 6 remap a page, 7 remap + invalidate it, 8 domain
     * invalidation, 9 TE off/on.
     */
    record Op(int kind, int page, int pasid, Access access, boolean privileged, int times) {
    }

    /** Up to 200 ops (none at all included): any kind, page, PASID selector, access, privilege and repeat count. */
    static List<Op> ops(RandomGenerator r) {
        int n = r.nextInt(0, 201);
        List<Op> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ops.add(new Op(r.nextInt(0, 10), r.nextInt(0, PAGES + 4), r.nextInt(0, 3),
                    Access.values()[r.nextInt(Access.values().length)], r.nextBoolean(), r.nextInt(1, 5)));
        }
        return ops;
    }

    /** The IOTLB replacement policies a unit can be built with. */
    static final List<String> POLICIES = List.of("lru", "fifo", "random");

    /** One unit: device 0x10 with PASID 1 (first stage, DID 1) and PASID 2 (second stage, DID 2). */
    static final class Unit {
        final VtdIommu iommu;
        final VtdDriver driver;
        final IoPageTable fs;
        final IoPageTable ss;

        Unit(boolean memo, int iotlbEntries, String policy) {
            iommu = new VtdIommu(new PhysicalMemory(), configure(Map.of(
                    "iotlb", Integer.toString(iotlbEntries), "iotlb_ways", "2", "pasid_cache", "2",
                    "cache_policy", policy)));
            iommu.setHitMemoEnabled(memo);
            driver = new VtdDriver(iommu, 0x100_0000L, 0x1000_0000L);
            assertTrue(driver.init(true));
            fs = driver.newFirstStageTable(4);
            ss = driver.newSecondStageTable(4);
            for (int p = 0; p < PAGES - 4; p++) {
                int perms = Permissions.READ | (p % 3 == 0 ? 0 : Permissions.WRITE);
                fs.map(BASE + p * 0x1000L, 0x8000_0000L + p * 0x1000L, 0x1000, perms, p % 5 != 0);
                ss.map(BASE + p * 0x1000L, 0x9000_0000L + p * 0x1000L, 0x1000, perms, false);
            }
            fs.map(LARGE, 0x7000_0000L, 0x20_0000L, Permissions.READ | Permissions.WRITE, true);
            ss.map(LARGE, 0x7200_0000L, 0x20_0000L, Permissions.READ | Permissions.WRITE, false);
            driver.setPasidEntry(0x10, 1, PasidSetup.firstStage(1, fs));
            driver.setPasidEntry(0x10, 2, PasidSetup.secondStage(2, ss));
        }

        private static VtdConfig configure(Map<String, String> options) {
            try {
                return VtdMachineKind.configure(options);
            } catch (MachineConfigException e) {
                throw new AssertionError("the test's own machine options are rejected", e);
            }
        }

        Translation apply(Op op) {
            long page = address(op.page());
            long iova = page + 0x18;
            switch (op.kind()) {
                case 6, 7 -> {
                    if (op.page() >= PAGES) {
                        return null;
                    }
                    fs.unmap(page);
                    ss.unmap(page);
                    fs.map(page, 0xA000_0000L + op.page() * 0x1000L, 0x1000, Permissions.READ, true);
                    ss.map(page, 0xB000_0000L + op.page() * 0x1000L, 0x1000, Permissions.READ, false);
                    if (op.kind() == 7) {
                        driver.flushPasidIotlbPages(1, 1, page, 0);
                        driver.flushIotlbPages(2, page, 0);
                    }
                    return null;
                }
                case 8 -> {
                    driver.flushIotlbDomain(1 + op.pasid() % 2);
                    return null;
                }
                case 9 -> {
                    int gsts = (int) iommu.mmioRead(RegisterOffsets.GSTS, 4);
                    iommu.mmioWrite(RegisterOffsets.GCMD, 4, gsts & ~GlobalCommand.TE & GlobalCommand.PERSISTENT);
                    Translation off = iommu.translate(new TranslationRequest(0x10, 1, iova, Access.READ, false));
                    iommu.mmioWrite(RegisterOffsets.GCMD, 4, (gsts | GlobalCommand.TE) & GlobalCommand.PERSISTENT);
                    return off;
                }
                default -> {
                    int pasid = op.pasid() == 0 ? TranslationRequest.NO_PASID : op.pasid();
                    TranslationRequest r = new TranslationRequest(0x10, pasid, iova, op.access(), op.privileged());
                    Translation t = null;
                    for (int i = 0; i < op.times(); i++) {
                        t = iommu.translate(r);
                    }
                    return t;
                }
            }
        }
    }

    /**
     * Any ops, IOTLB sizes 4..32 and replacement policy. Fails if a memo hit does not credit the
     * context-cache hit it repeats (seen: the statistics differ after a few ops).
     */
    @Test
    void theMemoChangesNothingButCost() {
        qt(100).forAll(gen(HitMemoProperties::ops), integers().between(1, 4), arbitrary().pick(POLICIES))
                .checkAssert(HitMemoProperties::theMemoChangesNothingButCost);
    }

    private static void theMemoChangesNothingButCost(List<Op> ops, int iotlbLog, String policy) {
        Unit with = new Unit(true, 2 << iotlbLog, policy);
        Unit without = new Unit(false, 2 << iotlbLog, policy);
        assertEquals(without.iommu.statistics(), with.iommu.statistics());
        for (Op op : ops) {
            Translation a = with.apply(op);
            Translation b = without.apply(op);
            assertEquals(b, a, op.toString());
            assertEquals(without.iommu.statistics(), with.iommu.statistics(), op.toString());
        }
    }

    /**
     * The same comparison on one long fixed sequence, checked to exercise the memo a lot. It draws nothing
     * from the property engine (its sequence comes from its own fixed seed), so it is a plain test.
     * Fails if a memo hit does not credit the context-cache hit it repeats (seen).
     */
    @Test
    void aLongSequenceWithManyMemoHits() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
        Unit with = new Unit(true, 16, "lru");
        Unit without = new Unit(false, 16, "lru");
        for (int n = 0; n < 20_000; n++) {
            int k = rnd.nextInt(100);
            Op op = new Op(k < 94 ? 0 : 6 + (k - 94) % 4, rnd.nextInt(8) * 3 + rnd.nextInt(2), 1 + rnd.nextInt(2),
                    Access.values()[rnd.nextInt(2)], false, 1 + rnd.nextInt(3));
            assertEquals(without.apply(op), with.apply(op), op.toString());
            assertEquals(without.iommu.statistics(), with.iommu.statistics(), op.toString());
        }
        assertEquals(0, without.iommu.hitMemoHits());
        assertTrue(with.iommu.hitMemoHits() > 2_000, "memo hits: " + with.iommu.hitMemoHits());
    }

    /**
     * A hit on a 2 MiB IOTLB entry is found on the second probe, after the 4 KiB probe missed: a later
     * fill of a 4 KiB entry for the same page (into a free slot, no entry changed) must retire it. Here
     * the guest splits a read-only 2 MiB page into writable 4 KiB pages without invalidating, and a write,
     * which the 2 MiB entry does not permit, walks the new table and fills the 4 KiB entry. A fixed
     * scenario with no generated input: a plain test. Fails if the memo takes every hit as found on the
     * first (4 KiB) probe, so that the 4 KiB fill does not retire the memoised 2 MiB hit (seen: the read
     * still answered from the 2 MiB page), and if a memo hit does not credit its context-cache hit (seen).
     */
    @Test
    void aFillThatShadowsAMemoisedHitRetiresIt() {
        Unit with = new Unit(true, 512, "lru");
        Unit without = new Unit(false, 512, "lru");
        TranslationRequest read = new TranslationRequest(0x10, 1, LARGE + 0x18, Access.READ, false);
        TranslationRequest write = new TranslationRequest(0x10, 1, LARGE + 0x18, Access.WRITE, false);
        for (Unit u : List.of(with, without)) {
            u.fs.unmap(LARGE);
            u.fs.map(LARGE, 0x7000_0000L, 0x20_0000L, Permissions.READ, true);
            for (int i = 0; i < 3; i++) {
                u.iommu.translate(read);
            }
            u.fs.unmap(LARGE);
            u.fs.map(LARGE, 0xD000_0000L, 0x1000, Permissions.READ | Permissions.WRITE, true);
        }
        assertEquals(1, with.iommu.hitMemoHits());
        assertEquals(without.iommu.translate(write), with.iommu.translate(write));
        Translation reference = without.iommu.translate(read);
        assertEquals(0xD000_0018L, ((TranslationResult) reference).outputAddress(read.iova()),
                "the scenario: the new 4 KiB entry now answers the read");
        assertEquals(reference, with.iommu.translate(read));
        assertEquals(without.iommu.statistics(), with.iommu.statistics());
    }

    /**
     * A fixed scenario with no generated input: a plain test. Fails if a memo hit does not count as the
     * context-cache hit it repeats (seen).
     */
    @Test
    void repeatedHitsComeFromTheMemoAndStaleOnesDoNot() {
        Unit u = new Unit(true, 512, "lru");
        TranslationRequest r = new TranslationRequest(0x10, 1, BASE + 0x1008, Access.READ, false);
        Translation first = u.iommu.translate(r);   // walk and fill
        Translation second = u.iommu.translate(r);  // a full IOTLB hit: memoised
        long iotlbHits = u.iommu.statistics().get("iotlb.hits");
        long contextHits = u.iommu.statistics().get("context-cache.hits");
        Translation third = u.iommu.translate(r);   // from the memo
        assertEquals(1, u.iommu.hitMemoHits());
        assertSame(second, third);
        assertSame(first, second);
        Map<String, Long> s = u.iommu.statistics();
        assertEquals(iotlbHits + 1, s.get("iotlb.hits"), "a memo hit counts as the IOTLB hit it repeats");
        assertEquals(contextHits + 1, s.get("context-cache.hits"));

        // remap the page without invalidating: the cached translation stays, as on hardware
        u.fs.unmap(BASE + 0x1000);
        u.fs.map(BASE + 0x1000, 0xC000_0000L, 0x1000, Permissions.READ, true);
        assertEquals(0x8000_1008L, ((TranslationResult) u.iommu.translate(r)).outputAddress(r.iova()));
        // ... until software invalidates it
        assertTrue(u.driver.flushPasidIotlbPages(1, 1, BASE + 0x1000, 0));
        assertEquals(0xC000_0008L, ((TranslationResult) u.iommu.translate(r)).outputAddress(r.iova()));
        assertEquals(0xC000_0008L, ((TranslationResult) u.iommu.translate(r)).outputAddress(r.iova()));
    }
}
