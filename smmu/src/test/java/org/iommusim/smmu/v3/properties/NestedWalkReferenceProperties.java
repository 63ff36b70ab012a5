package org.iommusim.smmu.v3.properties;

import static org.iommusim.proptest.Props.gen;
import static org.iommusim.proptest.Props.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.random.RandomGenerator;

import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.walk.WalkTrace;
import org.iommusim.smmu.v3.SmmuV3;
import org.iommusim.smmu.v3.cache.CacheSizes;
import org.iommusim.smmu.v3.driver.CdTable;
import org.iommusim.smmu.v3.driver.DriverMemory;
import org.iommusim.smmu.v3.driver.IoPageTable;
import org.iommusim.smmu.v3.driver.PageAllocator;
import org.iommusim.smmu.v3.driver.Prot;
import org.iommusim.smmu.v3.driver.SmmuV3Driver;
import org.iommusim.smmu.v3.preset.Presets;
import org.iommusim.smmu.v3.ste.StreamTableEntry;
import org.iommusim.smmu.vmsa.Granule;
import org.junit.jupiter.api.Test;

/**
 * A cold nested translation (every cache empty or disabled) makes exactly the reference number of
 * page-table references: stage 2 walks the CD's IPA, then for each of the n stage-1 levels one stage-2
 * walk of m levels for the table's IPA plus the stage-1 entry, then one stage-2 walk for the output:
 * m + n(m + 1) + m. For 4 over 4 levels that is the classic 24 for the walk itself (plus 4 for the CD).
 * With the caches on, the first translation makes at most that many (its own walk-cache fills may
 * shorten later stage-2 walks) and a second translation of the same page makes none.
 */
class NestedWalkReferenceProperties {
    /** One nested walk: the two granules, the stage-1 and stage-2 input sizes, caches on or off, the page. */
    record Walk(Granule g1, Granule g2, int ias1, int ias2, boolean cached, int page) {
    }

    /** Any granules, a stage-1 IAS of 25..48 bits, a stage-2 IAS of 32..40 bits, caches either way, page 0..1023. */
    static Walk walks(RandomGenerator r) {
        Granule[] granules = Granule.values();
        return new Walk(granules[r.nextInt(0, granules.length)], granules[r.nextInt(0, granules.length)],
                r.nextInt(25, 49), r.nextInt(32, 41), r.nextBoolean(), r.nextInt(0, 1024));
    }

    /** Fails if a nested translation does not fill the TLB (the second translation walks again). */
    @Test
    void coldNestedWalksMakeTheReferenceCount() {
        qt(80).forAll(gen(NestedWalkReferenceProperties::walks)).checkAssert(walk -> coldNestedWalksMakeTheReferenceCount(
                walk.g1(), walk.g2(), walk.ias1(), walk.ias2(), walk.cached(), walk.page()));
    }

    private static void coldNestedWalksMakeTheReferenceCount(Granule g1, Granule g2, int ias1, int ias2,
                                                             boolean cached, int page) {
        PhysicalMemory memory = new PhysicalMemory(48);
        SmmuV3 smmu = new SmmuV3(memory, Presets.DEFAULT, cached ? CacheSizes.DEFAULT : CacheSizes.NONE);
        PageAllocator alloc = new PageAllocator(DriverMemory.physical(memory), 0x1000_0000L, 0x8000_0000L);
        SmmuV3Driver driver = new SmmuV3Driver(smmu, alloc, SmmuV3Driver.StreamTableFormat.LINEAR, 4);
        driver.init();
        // stage 2 maps guest RAM (IPA 0x8000_0000, 16 MiB, tables and output) with pages only
        IoPageTable s2 = new IoPageTable(alloc, 2, g2, Math.max(ias2, 33), 48);
        long ram = 0x2_0000_0000L;
        for (long off = 0; off < (16 << 20); off += g2.pageSize()) {
            assertEquals(0, s2.map(0x8000_0000L + off, ram + off, g2.pageSize(), Prot.READ | Prot.WRITE));
        }
        PageAllocator guest = new PageAllocator(DriverMemory.guest(memory, 0x8000_0000L, ram), 0x8000_0000L,
                0x8000_0000L + (8 << 20));
        IoPageTable s1 = new IoPageTable(guest, 1, g1, ias1, 40);
        long iova = ((long) page * g1.pageSize()) & ((1L << ias1) - 1);
        long outIpa = 0x8000_0000L + (12 << 20);
        assertEquals(0, s1.map(iova, outIpa, g1.pageSize(), Prot.READ | Prot.WRITE));
        CdTable cds = new CdTable(guest, StreamTableEntry.S1FMT_LINEAR, 0);
        cds.write(0, 1, s1, 0);
        driver.attachNested(1, 2, s2, cds.base(), StreamTableEntry.S1FMT_LINEAR, 0);

        int n = 4 - s1.startLevel();
        int m = 4 - s2.startLevel();
        WalkTrace.Recorder trace = new WalkTrace.Recorder();
        smmu.setWalkTrace(trace);
        Translation r = smmu.translate(new TranslationRequest(1, -1, iova + 8, Access.READ, false));
        assertTrue(r.ok(), r::toString);
        int reference = m + n * (m + 1) + m;
        if (cached) {
            // the walk caches filled during this very walk may shorten its later stage-2 walks
            assertTrue(trace.count() <= reference && trace.count() >= n + m, () -> trace.references().toString());
        } else {
            assertEquals(reference, trace.count(), () -> trace.references().toString());
        }
        assertEquals(n, trace.count(1));
        trace.clear();
        smmu.translate(new TranslationRequest(1, -1, iova + 16, Access.READ, false));
        assertEquals(cached ? 0 : reference, trace.count());
    }
}
