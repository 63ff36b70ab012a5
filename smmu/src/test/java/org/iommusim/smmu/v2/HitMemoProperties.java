package org.iommusim.smmu.v2;

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
import org.iommusim.core.request.Permissions;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.request.TranslationResult;
import org.iommusim.smmu.v2.driver.Allocator;
import org.iommusim.smmu.v2.driver.SmmuV2Driver;
import org.iommusim.smmu.v2.driver.SmmuV2Driver.Domain;
import org.iommusim.smmu.vmsa.Granule;
import org.junit.jupiter.api.Test;

/**
 * The hit memo changes nothing but cost: two SMMUv2s built alike, one with the memo and one without,
 * given the same random mix of translations (a stage-1 and a stage-2 context), faults that leave FSR set
 * (later transactions terminate) and their clearing, table edits with and without TLB maintenance, and
 * register writes, return equal translations and equal statistics after every step.
 */
class HitMemoProperties {
    static final long BASE = 0x40_0000_0000L;
    static final int PAGES = 24;
    /** Pages PAGES .. PAGES + 3 lie in one 2 MiB block. */
    static final long LARGE = BASE + 0x20_0000L;

    static long address(int page) {
        return page < PAGES ? BASE + page * 0x1000L : LARGE + (page - PAGES) * 0x1000L;
    }

    /** kind: 0-5 translate (times), 6 remap, 7 remap + TLBI, 8 clear the context's fault, 9 re-attach. */
    record Op(int kind, int page, int stream, Access access, boolean privileged, int times) {
    }

    /** Up to 200 operations of any kind, on any page (the block's too), either stream, read or write. */
    static List<Op> ops(RandomGenerator r) {
        int n = r.nextInt(0, 201);
        List<Op> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ops.add(new Op(r.nextInt(0, 10), r.nextInt(0, PAGES + 4), r.nextInt(0, 2),
                    r.nextBoolean() ? Access.WRITE : Access.READ, r.nextBoolean(), r.nextInt(1, 5)));
        }
        return ops;
    }

    /** StreamID 5: a stage-1 context; StreamID 6: a stage-2 context. */
    static final class Unit {
        final SmmuV2 smmu;
        final SmmuV2Driver driver;
        final Domain[] domains = new Domain[2];

        Unit(boolean memo, int tlbEntries, ReplacementPolicy policy) {
            PhysicalMemory memory = new PhysicalMemory();
            SmmuV2Config d = SmmuV2Config.defaults();
            smmu = new SmmuV2(memory, new SmmuV2Config(d.idr0(), d.idr1(), d.idr2(), d.idr7(),
                    new CacheConfig(tlbEntries, 2, policy, 9)));
            smmu.setHitMemoEnabled(memo);
            driver = new SmmuV2Driver(smmu, new Allocator(0x100_0000L, 1 << 24));
            driver.reset();
            domains[0] = driver.allocateStage1(Granule.GRANULE_4K, 48);
            domains[1] = driver.allocateStage2(Granule.GRANULE_4K, 48, 0);
            for (int n = 0; n < 2; n++) {
                for (int p = 0; p < PAGES - 4; p++) {
                    int perms = Permissions.READ | (p % 3 == 0 ? 0 : Permissions.WRITE);
                    driver.map(domains[n], BASE + p * 0x1000L, 0x8000_0000L + n * 0x100_0000L + p * 0x1000L, 0x1000,
                            perms);
                }
                driver.map(domains[n], LARGE, 0x7000_0000L + n * 0x20_0000L, 0x20_0000L,
                        Permissions.READ | Permissions.WRITE);
            }
            driver.attach(5, 0, domains[0]);
            driver.attach(6, 0, domains[1]);
        }

        Translation apply(Op op) {
            long page = address(op.page());
            Domain d = domains[op.stream()];
            switch (op.kind()) {
                case 6, 7 -> {
                    if (op.page() >= PAGES) {
                        return null;
                    }
                    driver.unmap(d, page, 0x1000);
                    driver.map(d, page, 0xA000_0000L + op.page() * 0x1000L, 0x1000, Permissions.READ);
                    if (op.kind() == 7) {
                        driver.invalidate(d, page);
                    }
                    return null;
                }
                case 8 -> {
                    driver.clearFault(d);
                    return null;
                }
                case 9 -> {
                    // a register write that changes nothing still retires every memoised hit
                    smmu.mmioWrite(0, 4, smmu.mmioRead(0, 4));
                    return smmu.translate(TranslationRequest.of(5 + op.stream(), page, Access.READ));
                }
                default -> {
                    TranslationRequest r = new TranslationRequest(5 + op.stream(), TranslationRequest.NO_PASID,
                            page + 0x18, op.access(), op.privileged());
                    Translation t = null;
                    for (int i = 0; i < op.times(); i++) {
                        t = smmu.translate(r);
                    }
                    return t;
                }
            }
        }
    }

    /** Fails (seen with -Diommusim.tries=x10, at example 113) if a context fault does not retire the memoised hits. */
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
     * Fails if a context fault does not retire the memoised hits: a request returns its memoised
     * translation instead of terminating under the outstanding fault.
     */
    @Test
    void aLongSequenceWithManyMemoHits() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
        Unit with = new Unit(true, 16, ReplacementPolicy.LRU);
        Unit without = new Unit(false, 16, ReplacementPolicy.LRU);
        for (int n = 0; n < 20_000; n++) {
            // mostly reads of mapped pages: a fault leaves FSR set and the context then terminates every
            // transaction (nothing to memoise) until software clears it, which kind 8 does
            int k = rnd.nextInt(100);
            Op op = new Op(k < 94 ? 0 : 6 + (k - 94) % 4, rnd.nextInt(PAGES - 4), rnd.nextInt(2),
                    rnd.nextInt(10) == 0 ? Access.WRITE : Access.READ, false, 1 + rnd.nextInt(3));
            assertEquals(without.apply(op), with.apply(op), op.toString());
            assertEquals(without.smmu.statistics(), with.smmu.statistics(), op.toString());
        }
        assertEquals(0, without.smmu.hitMemoHits());
        assertTrue(with.smmu.hitMemoHits() > 1_000, "memo hits: " + with.smmu.hitMemoHits());
    }

    @Test
    void repeatedHitsComeFromTheMemoAndStaleOnesDoNot() {
        Unit u = new Unit(true, 64, ReplacementPolicy.LRU);
        TranslationRequest r = TranslationRequest.of(5, BASE + 0x1008, Access.READ);
        Translation first = u.smmu.translate(r);   // walk and fill
        Translation second = u.smmu.translate(r);  // a full TLB hit: memoised
        long tlbHits = u.smmu.statistics().get("tlb.hits");
        Translation third = u.smmu.translate(r);   // from the memo
        assertEquals(1, u.smmu.hitMemoHits());
        assertSame(first, second);
        assertSame(second, third);
        assertEquals(tlbHits + 1, u.smmu.statistics().get("tlb.hits"), "a memo hit counts as the TLB hit it repeats");
        // the driver's unmap does its TLB maintenance (a register write): the memoised hit is not returned
        u.driver.unmap(u.domains[0], BASE + 0x1000, 0x1000);
        u.driver.map(u.domains[0], BASE + 0x1000, 0xC000_0000L, 0x1000, Permissions.READ);
        assertEquals(0xC000_0008L, ((TranslationResult) u.smmu.translate(r)).outputAddress(r.iova()));
        assertEquals(0xC000_0008L, ((TranslationResult) u.smmu.translate(r)).outputAddress(r.iova()));
    }
}
