package org.iommusim.smmu.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
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
        for (int i = 0; i < 10_000; i++) {
            last = smmu.translate(request);
        }
        long allocated = bean.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertSame(first, last);
        assertEquals(0, allocated, "bytes allocated by 10000 TLB hits");
    }
}
