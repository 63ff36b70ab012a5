package org.iommusim.smmu.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;

import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
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

/** A TLB hit returns the cached result object and allocates nothing (stage 1 and nested). */
class TlbHitAllocationTest {

    @Test
    void tlbHitsAllocateNothing() {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(bean.isThreadAllocatedMemorySupported());
        bean.setThreadAllocatedMemoryEnabled(true);
        PhysicalMemory memory = new PhysicalMemory(48);
        SmmuV3 smmu = new SmmuV3(memory, Presets.DEFAULT);
        PageAllocator alloc = new PageAllocator(DriverMemory.physical(memory), 0x1000_0000L, 0x2000_0000L);
        SmmuV3Driver driver = new SmmuV3Driver(smmu, alloc, SmmuV3Driver.StreamTableFormat.LINEAR, 4);
        driver.init();
        IoPageTable s1 = new IoPageTable(alloc, 1, Granule.GRANULE_4K, 48, 48);
        s1.map(0x4000_0000L, 0x8000_0000L, 0x1000, Prot.READ | Prot.WRITE);
        CdTable cds = new CdTable(alloc, StreamTableEntry.S1FMT_LINEAR, 0);
        cds.write(0, 1, s1, 0);
        driver.attachStage1(1, cds);
        TranslationRequest request = TranslationRequest.of(1, 0x4000_0123L, Access.READ);
        Translation first = smmu.translate(request);
        for (int i = 0; i < 20_000; i++) {
            smmu.translate(request); // warm up the JIT
        }
        long before = bean.getThreadAllocatedBytes(Thread.currentThread().getId());
        Translation last = null;
        for (int i = 0; i < 100_000; i++) {
            last = smmu.translate(request);
        }
        long allocated = bean.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertSame(first, last);
        // a single allocation per hit would be over a megabyte; a few kilobytes are the JIT's and the
        // measurement's own (seen now and then even on an idle loop), as the other models' tests allow
        assertTrue(allocated < 10_000, "100000 TLB hits allocated " + allocated + " bytes");
    }

    /** A Split-stage ATS Translated transaction (3.9.1.3) that hits the stage-2 TLB allocates nothing either. */
    @Test
    void splitStageTranslatedHitsAllocateNothing() throws java.io.IOException, java.net.URISyntaxException {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(bean.isThreadAllocatedMemorySupported());
        bean.setThreadAllocatedMemoryEnabled(true);
        String script = java.nio.file.Files.readString(java.nio.file.Path.of(
                TlbHitAllocationTest.class.getResource("/scenarios/smmuv3/ats_split_stage.ios").toURI()));
        // the nested STE with EATS=0b10 and its tables, before the script's later machines
        String setup = script.substring(0, script.indexOf("# An IPA stage 2 does not map"));
        org.iommusim.core.scenario.ScenarioRunner runner = new org.iommusim.core.scenario.ScenarioRunner(
                System.out, System.err, org.iommusim.core.scenario.ScenarioRunner.Format.TEXT, false);
        assertEquals(org.iommusim.core.scenario.ScenarioRunner.PASSED, runner.run("setup", setup));
        org.iommusim.core.iommu.Iommu smmu = runner.machine().orElseThrow();
        TranslationRequest request = new TranslationRequest(3, TranslationRequest.NO_PASID, 0x4001_4042L,
                Access.READ, false, true);
        Translation first = smmu.translate(request);
        assertTrue(first.ok(), first::toString);
        for (int i = 0; i < 20_000; i++) {
            smmu.translate(request);
        }
        long before = bean.getThreadAllocatedBytes(Thread.currentThread().getId());
        Translation last = null;
        for (int i = 0; i < 100_000; i++) {
            last = smmu.translate(request);
        }
        long allocated = bean.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertSame(first, last);
        assertTrue(allocated < 10_000, "100000 split-stage TLB hits allocated " + allocated + " bytes");
    }
}
