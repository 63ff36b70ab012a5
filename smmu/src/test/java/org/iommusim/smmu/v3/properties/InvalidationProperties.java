package org.iommusim.smmu.v3.properties;

import static org.iommusim.proptest.Props.gen;
import static org.iommusim.proptest.Props.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.arbitrary;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Fault;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.request.TranslationResult;
import org.iommusim.smmu.v3.SmmuV3;
import org.iommusim.smmu.v3.driver.CdTable;
import org.iommusim.smmu.v3.driver.DriverMemory;
import org.iommusim.smmu.v3.driver.IoPageTable;
import org.iommusim.smmu.v3.driver.PageAllocator;
import org.iommusim.smmu.v3.driver.Prot;
import org.iommusim.smmu.v3.driver.SmmuV3Driver;
import org.iommusim.smmu.v3.event.EventType;
import org.iommusim.smmu.v3.preset.Presets;
import org.iommusim.smmu.v3.ste.StreamTableEntry;
import org.iommusim.smmu.vmsa.Granule;
import org.junit.jupiter.api.Test;

/**
 * With the caches on, a driver that invalidates after every unmap (by address, by range or by ASID)
 * always sees the translations of the current mapping set, through any sequence of map, unmap, remap
 * and translate.
 */
class InvalidationProperties {
    /** kind 0 map, 1 unmap + invalidate, 2 translate; page index; target; invalidation flavour. */
    record Op(int kind, int page, int target, int flavour) {
    }

    /** 10 to 80 operations: map, unmap + invalidate or translate, of one of ten pages. */
    static List<Op> ops(RandomGenerator r) {
        int n = r.nextInt(10, 81);
        List<Op> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ops.add(new Op(r.nextInt(0, 3), r.nextInt(0, 10), r.nextInt(0, 256), r.nextInt(0, 3)));
        }
        return ops;
    }

    /**
     * Fails if a TLBI by address (and by range) removes no TLB entry: an unmapped, invalidated page
     * still translates.
     */
    @Test
    void invalidatedTablesAreNeverStale() {
        qt(100).forAll(arbitrary().enumValues(Granule.class), gen(InvalidationProperties::ops))
                .checkAssert(InvalidationProperties::invalidatedTablesAreNeverStale);
    }

    private static void invalidatedTablesAreNeverStale(Granule g, List<Op> ops) {
        PhysicalMemory memory = new PhysicalMemory(48);
        SmmuV3 smmu = new SmmuV3(memory, Presets.DEFAULT);
        PageAllocator alloc = new PageAllocator(DriverMemory.physical(memory), 0x1000_0000L, 0x8000_0000L);
        SmmuV3Driver driver = new SmmuV3Driver(smmu, alloc, SmmuV3Driver.StreamTableFormat.TWO_LEVEL, 16);
        driver.init();
        IoPageTable t = new IoPageTable(alloc, 1, g, 48, 48);
        CdTable cds = new CdTable(alloc, StreamTableEntry.S1FMT_LINEAR, 0);
        cds.write(0, 3, t, 0);
        driver.attachStage1(0x4242, cds);
        long page = g.pageSize();
        // ten pages: groups of four in one leaf table, the groups 8 GiB apart (other tables)
        Map<Integer, Long> mapped = new HashMap<>();
        for (Op op : ops) {
            long iova = 0x40_0000_0000L + (long) (op.page() % 4) * page + (long) (op.page() / 4) * (1L << 33);
            switch (op.kind()) {
                case 0 -> {
                    if (!mapped.containsKey(op.page())) {
                        long pa = 0x1_0000_0000L + (long) op.target() * page;
                        assertEquals(0, t.map(iova, pa, page, Prot.READ | Prot.WRITE));
                        mapped.put(op.page(), pa);
                    }
                }
                case 1 -> {
                    if (mapped.remove(op.page()) != null) {
                        assertEquals(page, t.unmap(iova, page));
                        switch (op.flavour()) {
                            case 0 -> driver.invalidateVa(0, 3, iova, true);
                            case 1 -> driver.invalidateRange(0, 3, iova, page, g, 3);
                            default -> driver.invalidateAsid(0, 3);
                        }
                    }
                }
                default -> {
                    Translation r = smmu.translate(new TranslationRequest(0x4242, -1, iova + 0x10, Access.WRITE,
                            false));
                    Long pa = mapped.get(op.page());
                    if (pa == null) {
                        assertFalse(r.ok(), () -> "stale translation of unmapped 0x" + Long.toHexString(iova));
                        assertEquals(EventType.F_TRANSLATION, ((Fault) r).code());
                    } else {
                        assertTrue(r.ok(), r::toString);
                        assertEquals(pa + 0x10, ((TranslationResult) r).outputAddress(iova + 0x10));
                    }
                }
            }
        }
    }
}
