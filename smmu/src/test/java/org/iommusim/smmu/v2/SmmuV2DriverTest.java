package org.iommusim.smmu.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Fault;
import org.iommusim.core.request.Permissions;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.request.TranslationResult;
import org.iommusim.smmu.v2.driver.Allocator;
import org.iommusim.smmu.v2.driver.SmmuV2Driver;
import org.iommusim.smmu.v2.driver.SmmuV2Driver.Domain;
import org.iommusim.smmu.v2.driver.TableMemory;
import org.iommusim.smmu.v2.fault.ContextFault;
import org.iommusim.smmu.v2.fault.GlobalFault;
import org.iommusim.smmu.vmsa.Granule;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The host driver's sequences against the model: reset, attach, map, unmap with maintenance. */
class SmmuV2DriverTest {
    private PhysicalMemory memory;
    private SmmuV2 smmu;
    private SmmuV2Driver driver;

    @BeforeEach
    void setUp() {
        memory = new PhysicalMemory();
        smmu = new SmmuV2(memory, SmmuV2Config.defaults());
        driver = new SmmuV2Driver(smmu, new Allocator(0x100_0000L, 1 << 24));
        driver.reset();
    }

    private TranslationResult ok(int sid, long iova, Access access) {
        return assertInstanceOf(TranslationResult.class, smmu.translate(TranslationRequest.of(sid, iova, access)));
    }

    private Fault fault(int sid, long iova, Access access) {
        return assertInstanceOf(Fault.class, smmu.translate(TranslationRequest.of(sid, iova, access)));
    }

    @Test
    void afterResetAnUnattachedStreamFaults() {
        assertEquals(GlobalFault.USF.code(), fault(3, 0x1000, Access.READ).code());
    }

    @Test
    void stage1BanksComeFromNums2cbAndStage2BanksFromZero() {
        Domain s1 = driver.allocateStage1(Granule.GRANULE_4K, 48);
        Domain s2 = driver.allocateStage2(Granule.GRANULE_4K, 40, 1);
        assertEquals(8, s1.bank());
        assertEquals(0, s2.bank());
        assertEquals(1, s2.vmid());
    }

    @Test
    void unmapInvalidatesSoNoStaleTranslationRemains() {
        Domain d = driver.allocateStage1(Granule.GRANULE_4K, 48);
        driver.map(d, 0x40_0000, 0x9000_0000L, 0x20_0000, Permissions.READ | Permissions.WRITE);
        driver.attach(0x30, 0xF, d);
        assertEquals(0x9012_3456L, ok(0x3A, 0x52_3456, Access.WRITE).outputAddress(0x52_3456));
        assertEquals(0x20_0000, ok(0x31, 0x40_0000, Access.READ).pageSize());
        driver.unmap(d, 0x40_0000, 0x20_0000);
        Fault f = fault(0x31, 0x40_0000, Access.READ);
        assertEquals(ContextFault.TF.bit(), f.code());
        assertEquals(2, f.level());
    }

    @Test
    void stage2UnmapAlsoDropsCombinedNestedEntries() {
        Domain s2 = driver.allocateStage2(Granule.GRANULE_4K, 40, 1);
        for (long ipa = 0; ipa < 0x40_0000; ipa += 0x1000) {
            driver.map(s2, ipa, 0x8000_0000L + ipa, 0x1000, Permissions.READ | Permissions.WRITE);
        }
        TableMemory guest = new TableMemory() {
            @Override
            public long read64(long ipa) {
                return memory.read64(0x8000_0000L + ipa);
            }

            @Override
            public void write64(long ipa, long value) {
                memory.write64(0x8000_0000L + ipa, value);
            }
        };
        Domain s1 = driver.allocateNested(s2, Granule.GRANULE_4K, 39, guest, new Allocator(0x20_0000, 0x20_0000));
        driver.map(s1, 0x1000, 0x5000, 0x1000, Permissions.READ);
        driver.attach(7, 0, s1);
        assertEquals(0x8000_5010L, ok(7, 0x1010, Access.READ).outputAddress(0x1010));
        // The host takes the guest page away: the combined entry must not survive.
        driver.unmap(s2, 0x5000, 0x1000);
        Fault f = fault(7, 0x1010, Access.READ);
        assertEquals(ContextFault.TF.bit(), f.code());
        assertEquals(2, f.stage());
        assertEquals(0x5010, f.address());
        assertEquals(ContextFault.TF.fsrMask() | (2 << 9), driver.clearFault(s2));
        // The guest remaps its page (faults are never cached, so no invalidation is needed yet).
        driver.map(s1, 0x1000, 0x6000, 0x1000, Permissions.READ);
        assertEquals(0x8000_6010L, ok(7, 0x1010, Access.READ).outputAddress(0x1010));
        // Remapped again without invalidation: stale; after the guest's TLBIVA: the new page.
        driver.map(s1, 0x1000, 0x7000, 0x1000, Permissions.READ);
        assertEquals(0x8000_6010L, ok(7, 0x1010, Access.READ).outputAddress(0x1010));
        driver.invalidate(s1, 0x1000);
        assertEquals(0x8000_7010L, ok(7, 0x1010, Access.READ).outputAddress(0x1010));
    }

    @Test
    void detachedStreamsAreUnidentifiedAndTheirGroupIsReused() {
        Domain d = driver.allocateStage2(Granule.GRANULE_64K, 40, 2);
        driver.map(d, 0, 0x6000_0000L, 0x1_0000, Permissions.READ);
        int group = driver.attach(4, 0, d);
        assertEquals(0x6000_0040L, ok(4, 0x40, Access.READ).outputAddress(0x40));
        driver.detach(group);
        assertEquals(GlobalFault.USF.code(), fault(4, 0x40, Access.READ).code());
        assertEquals(group, driver.attach(5, 0, d));
        assertEquals(0x6000_0040L, ok(5, 0x40, Access.READ).outputAddress(0x40));
    }

    @Test
    void aReleasedBankIsReusedWithoutStaleEntries() {
        Domain first = driver.allocateStage1(Granule.GRANULE_4K, 48);
        driver.map(first, 0x1000, 0x7000_0000L, 0x1000, Permissions.READ);
        int group = driver.attach(6, 0, first);
        assertEquals(0x7000_0000L, ok(6, 0x1000, Access.READ).pageBase());
        driver.detach(group);
        driver.release(first);
        Domain second = driver.allocateStage1(Granule.GRANULE_4K, 48);
        assertEquals(first.bank(), second.bank());
        assertEquals(first.asid(), second.asid());
        driver.map(second, 0x1000, 0x7100_0000L, 0x1000, Permissions.READ);
        driver.attach(6, 0, second);
        assertEquals(0x7100_0000L, ok(6, 0x1000, Access.READ).pageBase());
    }

    @Test
    void statisticsCountHitsMissesAndMaintenance() {
        Domain d = driver.allocateStage1(Granule.GRANULE_64K, 42);
        driver.map(d, 0, 0x7000_0000L, 0x1_0000, Permissions.READ);
        driver.attach(1, 0, d);
        long lookups = smmu.statistics().get("tlb.lookups");
        ok(1, 0x10, Access.READ);
        ok(1, 0x20, Access.READ);
        assertEquals(lookups + 2, smmu.statistics().get("tlb.lookups"));
        assertEquals(1L, smmu.statistics().get("tlb.hits"));
        assertEquals(1L, smmu.statistics().get("walks.stage1"));
        assertEquals(2L, smmu.statistics().get("walks.memoryReferences"));
        driver.unmap(d, 0, 0x1_0000);
        assertEquals(1L, smmu.statistics().get("tlb.invalidations"));
        assertEquals(1L, smmu.statistics().get("tlb.syncs.context"));
    }
}
