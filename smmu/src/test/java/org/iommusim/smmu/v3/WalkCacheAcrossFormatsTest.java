package org.iommusim.smmu.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Fault;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.request.TranslationResult;
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
 * Software may change a CD's T0SZ (and so the start level) keeping the ASID and without a TLBI: the
 * walk cache still holds tables of the old shape. The model must resume walks only at levels the new
 * shape has, and never fail.
 */
class WalkCacheAcrossFormatsTest {

    @Test
    void aNewStartLevelUnderTheSameAsidResumesAtTheRightStep() {
        PhysicalMemory memory = new PhysicalMemory(48);
        SmmuV3 smmu = new SmmuV3(memory, Presets.DEFAULT);
        PageAllocator alloc = new PageAllocator(DriverMemory.physical(memory), 0x1000_0000L, 0x2000_0000L);
        SmmuV3Driver driver = new SmmuV3Driver(smmu, alloc, SmmuV3Driver.StreamTableFormat.LINEAR, 4);
        driver.init();
        IoPageTable four = new IoPageTable(alloc, 1, Granule.GRANULE_4K, 48, 48);
        IoPageTable three = new IoPageTable(alloc, 1, Granule.GRANULE_4K, 39, 48);
        assertEquals(0, four.map(0x20_0000L, 0x8000_0000L, 0x1000, Prot.READ));
        assertEquals(0, three.map(0x20_1000L, 0x9000_0000L, 0x1000, Prot.READ));
        CdTable cds = new CdTable(alloc, StreamTableEntry.S1FMT_LINEAR, 0);
        cds.write(0, 1, four, 0);
        driver.attachStage1(1, cds);
        assertEquals(0x8000_0000L, pa(smmu, 0x20_0000L));
        cds.write(0, 1, three, 0); // same ASID, 3 levels now
        driver.invalidateCd(1, 0);
        // the walk cache serves the old level-3 table (same ASID, same prefix): stale, as hardware may be;
        // its entry for 0x20_1000 is empty. (Resuming at the old walk's step 3 of 4 would be out of range.)
        Translation r = smmu.translate(TranslationRequest.of(1, 0x20_1000L, Access.READ));
        assertEquals(EventType.F_TRANSLATION, ((Fault) r).code());
        assertEquals(3, ((Fault) r).level());
        driver.invalidateAsid(0, 1);
        assertEquals(0x9000_0000L, pa(smmu, 0x20_1000L));
    }

    private static long pa(SmmuV3 smmu, long iova) {
        Translation r = smmu.translate(TranslationRequest.of(1, iova, Access.READ));
        assertTrue(r.ok(), r::toString);
        return ((TranslationResult) r).outputAddress(iova);
    }
}
