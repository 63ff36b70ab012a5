package org.iommusim.vtd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

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

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

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

    @Provide
    Arbitrary<List<Op>> ops() {
        return Combinators.combine(Arbitraries.integers().between(0, 9), Arbitraries.integers().between(0, PAGES + 3),
                Arbitraries.integers().between(0, 2), Arbitraries.of(Access.class), Arbitraries.of(false, true),
                Arbitraries.integers().between(1, 4)).as(Op::new).list().ofMaxSize(200);
    }

    /** One unit: device 0x10 with PASID 1 (first stage, DID 1) and PASID 2 (second stage, DID 2). */
    static final class Unit {
        final VtdIommu iommu;
        final VtdDriver driver;
        final IoPageTable fs;
        final IoPageTable ss;

        Unit(boolean memo, int iotlbEntries, String policy) throws Exception {
            iommu = new VtdIommu(new PhysicalMemory(), VtdMachineKind.configure(Map.of(
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

    @Property(tries = 100)
    void theMemoChangesNothingButCost(@ForAll("ops") List<Op> ops, @ForAll @IntRange(min = 1, max = 4) int iotlbLog,
                                      @ForAll("policies") String policy) throws Exception {
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

    /** The same comparison on one long fixed sequence, checked to exercise the memo a lot. */
    @Property(tries = 1)
    void aLongSequenceWithManyMemoHits() throws Exception {
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
     * which the 2 MiB entry does not permit, walks the new table and fills the 4 KiB entry.
     */
    @Property(tries = 1)
    void aFillThatShadowsAMemoisedHitRetiresIt() throws Exception {
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

    @Provide
    Arbitrary<String> policies() {
        return Arbitraries.of("lru", "fifo", "random");
    }

    @Property(tries = 1)
    void repeatedHitsComeFromTheMemoAndStaleOnesDoNot() throws Exception {
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
