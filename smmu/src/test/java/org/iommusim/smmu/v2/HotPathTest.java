package org.iommusim.smmu.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;

import org.iommusim.core.memory.AccessPurpose;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Permissions;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.smmu.v2.driver.Allocator;
import org.iommusim.smmu.v2.driver.SmmuV2Driver;
import org.iommusim.smmu.v2.driver.SmmuV2Driver.Domain;
import org.iommusim.smmu.v2.driver.TableMemory;
import org.iommusim.smmu.vmsa.Granule;
import org.junit.jupiter.api.Test;

/** A TLB hit returns the cached value, allocates nothing and reads no memory. */
class HotPathTest {
    @Test
    void aNestedTlbHitAllocatesNothingAndReadsNoTable() {
        PhysicalMemory memory = new PhysicalMemory();
        SmmuV2 smmu = new SmmuV2(memory, SmmuV2Config.defaults());
        SmmuV2Driver driver = new SmmuV2Driver(smmu, new Allocator(0x100_0000L, 1 << 24));
        driver.reset();
        // 4-level stage 1 (48-bit VA) over 4-level stage 2 (48-bit IPA, start level 0).
        Domain s2 = driver.allocateStage2(Granule.GRANULE_4K, 48, 0);
        for (long ipa = 0; ipa < 1L << 24; ipa += 0x1000) {
            driver.map(s2, ipa, 0x4000_0000L + ipa, 0x1000, Permissions.READ | Permissions.WRITE);
        }
        TableMemory guest = new TableMemory() {
            @Override
            public long read64(long ipa) {
                return memory.read64(0x4000_0000L + ipa);
            }

            @Override
            public void write64(long ipa, long value) {
                memory.write64(0x4000_0000L + ipa, value);
            }
        };
        Domain s1 = driver.allocateNested(s2, Granule.GRANULE_4K, 48, guest, new Allocator(0x80_0000L, 1 << 22));
        driver.map(s1, 0x7000_0000L, 0x1000, 0x1000, Permissions.READ);
        driver.attach(5, 0, s1);

        TranslationRequest req = TranslationRequest.of(5, 0x7000_0123L, Access.READ);
        long before = memory.references(AccessPurpose.PAGE_WALK);
        Translation first = smmu.translate(req);
        // A cold 4-level over 4-level nested walk: 4 stage-2 walks of 4 for the stage-1 entries, 4
        // stage-1 entries, one stage-2 walk for the output.
        assertEquals(24, memory.references(AccessPurpose.PAGE_WALK) - before);
        assertTrue(first.ok());
        before = memory.references(AccessPurpose.PAGE_WALK);
        assertSame(first, smmu.translate(req));
        assertEquals(0, memory.references(AccessPurpose.PAGE_WALK) - before);

        com.sun.management.ThreadMXBean bean;
        try {
            bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        } catch (ClassCastException e) {
            bean = null;
        }
        assumeTrue(bean != null && bean.isThreadAllocatedMemorySupported());
        for (int i = 0; i < 20_000; i++) {
            smmu.translate(req);
        }
        long t = Thread.currentThread().getId();
        long allocated = bean.getThreadAllocatedBytes(t);
        for (int i = 0; i < 100_000; i++) {
            smmu.translate(req);
        }
        long used = bean.getThreadAllocatedBytes(t) - allocated;
        // 100 000 hits: anything per hit would be megabytes; allow for the measuring itself.
        assertTrue(used < 10_000, "allocated " + used + " bytes in 100000 TLB hits");
    }
}
