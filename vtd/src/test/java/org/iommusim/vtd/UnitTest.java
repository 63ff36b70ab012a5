package org.iommusim.vtd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.iommusim.core.iommu.MachineConfigException;
import org.iommusim.core.iommu.MachineKinds;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.vtd.preset.Presets;
import org.junit.jupiter.api.Test;

/** Capabilities, statistics, presets and machine options of the VT-d kind. */
class UnitTest {
    @Test
    void kindIsRegisteredWithItsPresets() {
        assertTrue(MachineKinds.find("vtd").isPresent());
        assertEquals("default", MachineKinds.find("vtd").get().presets().get(0));
        assertTrue(MachineKinds.find("vtd").get().presets().containsAll(
                java.util.List.of("qemu", "sapphire-rapids", "granite-rapids", "meteor-lake")));
    }

    @Test
    void capabilitiesAreDecodedByName() {
        Map<String, Long> c = new VtdIommu(new PhysicalMemory(), Presets.DEFAULT).capabilities();
        assertEquals(0b01110L, c.get("CAP.SAGAW"));
        assertEquals(57L, c.get("CAP.MGAW"));
        assertEquals(0x400L, c.get("CAP.FRO"));
        assertEquals(8L, c.get("CAP.NFR"));
        assertEquals(1L, c.get("CAP.FL5LP"));
        assertEquals(1L, c.get("ECAP.NEST"));
        assertEquals(1L, c.get("ECAP.SMTS"));
        assertEquals(19L, c.get("ECAP.PSS"));
        assertEquals(0x500L, c.get("ECAP.IRO"));
        assertEquals(5L, c.get("VER.MAJOR"));
        Map<String, Long> q = new VtdIommu(new PhysicalMemory(), Presets.QEMU).capabilities();
        assertEquals(0L, q.get("ECAP.NEST"));
        assertEquals(1L, q.get("ECAP.FSTS"));
        assertEquals(0L, q.get("ECAP.SSTS"));
        assertEquals(0x220L, q.get("CAP.FRO"));
        assertEquals(0xF0L, q.get("ECAP.IRO"));
        assertEquals(1L, q.get("CAP.FL1GP"));
        Map<String, Long> spr = new VtdIommu(new PhysicalMemory(), Presets.SAPPHIRE_RAPIDS).capabilities();
        assertEquals(0xCL, spr.get("CAP.SAGAW"));
        assertEquals(1L, spr.get("ECAP.NEST"));
        assertEquals(0L, spr.get("ECAP.PASID"));
    }

    @Test
    void optionsOverrideRegistersAndCaches() throws MachineConfigException {
        VtdConfig c = VtdMachineKind.configure(Map.of("preset", "qemu", "ecap", "0x880000000f42", "iotlb", "4",
                "iotlb_ways", "2", "cache_policy", "fifo", "ver", "0x30"));
        assertEquals(0x30, c.ver());
        assertEquals(4, c.caches().iotlb().entries());
        assertEquals(2, c.caches().iotlb().ways());
        assertThrows(MachineConfigException.class, () -> VtdMachineKind.configure(Map.of("iotlb", "3", "iotlb_ways", "2")));
        assertThrows(MachineConfigException.class, () -> VtdMachineKind.configure(Map.of("cap", "0x0")));
        assertThrows(MachineConfigException.class, () -> VtdMachineKind.configure(Map.of("ver", "0x100")));
    }

    /** Legacy example tables; DID 1. */
    static VtdIommu legacyExample(Map<String, String> opts) throws MachineConfigException {
        VtdIommu u = new VtdIommu(new PhysicalMemory(), VtdMachineKind.configure(opts));
        PhysicalMemory m = u.memory();
        m.write64(0x10000, 0x11001);
        m.write64(0x11080, 0x20001);
        m.write64(0x11088, 0x102);
        m.write64(0x20000, 0x21003);
        m.write64(0x21000, 0x22003);
        m.write64(0x22000, 0x23003);
        for (int i = 0; i < 8; i++) {
            m.write64(0x23000 + 8L * i, 0x8000_0003L + 0x1000L * i);
        }
        u.mmioWrite(0x20, 8, 0x10000);
        u.mmioWrite(0x18, 4, 0x4000_0000);
        u.mmioWrite(0x18, 4, 0x8000_0000);
        return u;
    }

    @Test
    void statisticsCountHitsMissesWalksAndReferences() throws MachineConfigException {
        VtdIommu u = legacyExample(Map.of());
        u.translate(TranslationRequest.of(8, 0x1000, Access.READ));
        u.translate(TranslationRequest.of(8, 0x1000, Access.READ));
        Map<String, Long> s = u.statistics();
        assertEquals(1L, s.get("iotlb.hits"));
        assertEquals(1L, s.get("iotlb.misses"));
        assertEquals(1L, s.get("context-cache.hits"));
        assertEquals(1L, s.get("context-cache.misses"));
        assertEquals(1L, s.get("walks.second-stage"));
        assertEquals(4L, s.get("memory.page-walk"), "a cold 4-level walk reads 4 entries");
        assertEquals(4L, s.get("memory.config-fetch"), "root and context entry, 16 bytes each");
        u.translate(TranslationRequest.of(8, 0x2000, Access.READ));
        assertEquals(5L, u.statistics().get("memory.page-walk"), "the paging-structure cache leaves one read");
        u.translate(TranslationRequest.of(8, 0x1000, Access.WRITE));
        assertEquals(2L, u.statistics().get("iotlb.hits"), "a write hits the read-filled RW entry");
    }

    @Test
    void smallIotlbEvicts() throws MachineConfigException {
        VtdIommu u = legacyExample(Map.of("iotlb", "2", "ss_psc", "0"));
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 3; i++) {
                u.translate(TranslationRequest.of(8, 0x1000L * i, Access.READ));
            }
        }
        Map<String, Long> s = u.statistics();
        assertEquals(6L, s.get("iotlb.misses"), "LRU with 2 entries and 3 pages in a cycle never hits");
        assertTrue(s.get("iotlb.evictions") >= 4);
        assertEquals(24L, s.get("memory.page-walk"));
    }

    @Test
    void faultEventIsDeliveredWhenUnmasked() throws MachineConfigException {
        VtdIommu u = legacyExample(Map.of());
        u.mmioWrite(0x38, 4, 0); // FECTL.IM = 0
        u.translate(TranslationRequest.of(8, 0x10_0000, Access.READ));
        assertEquals(1L, u.statistics().get("fault-events"));
        assertEquals(0L, u.mmioRead(0x38, 4), "IP stays clear: the message went out");
        assertEquals(0x6L, (u.mmioRead(0x408, 8) >>> 32) & 0xFF);
    }

    @Test
    void registerBlockDoesNotAlias() throws MachineConfigException {
        VtdIommu u = legacyExample(Map.of());
        assertEquals(0L, u.mmioRead(0x1_0000_001CL, 4));
        assertEquals(0xC000_0000L, u.mmioRead(0x1C, 4));
        assertEquals(Presets.DEFAULT.cap().value(), u.mmioRead(0x8, 8));
        assertEquals(Presets.DEFAULT.cap().value() >>> 32, u.mmioRead(0xC, 4));
    }

    @Test
    void faultRecordIndexRestartsWhenTranslationIsDisabled() throws MachineConfigException {
        VtdIommu u = legacyExample(Map.of());
        u.translate(TranslationRequest.of(8, 0x10_0000, Access.READ));
        assertEquals(0x10_0000L, u.mmioRead(0x400, 8));
        u.mmioWrite(0x40C, 4, 0x8000_0000L); // clear record 0
        u.mmioWrite(0x18, 4, 0);              // TE off, no interrupt remapping: the index restarts
        u.mmioWrite(0x18, 4, 0x8000_0000L);
        u.translate(TranslationRequest.of(8, 0x20_0000, Access.READ));
        assertEquals(0x20_0000L, u.mmioRead(0x400, 8), "recorded in FRCD[0] again");
        assertEquals(0L, u.mmioRead(0x418, 8) >>> 63, "FRCD[1] unused");
    }

    @Test
    void completionEventOnlyForANewIwc() throws MachineConfigException {
        VtdIommu u = legacyExample(Map.of());
        u.mmioWrite(0x88, 8, 0);
        u.mmioWrite(0x90, 8, 0x60000);
        u.mmioWrite(0x18, 4, 0x8400_0000L);
        u.mmioWrite(0xA0, 4, 0); // IECTL.IM = 0: events go out at once
        u.memory().write64(0x60000, 0x15);
        u.memory().write64(0x60010, 0x15);
        u.mmioWrite(0x88, 8, 0x20);
        assertEquals(1L, u.statistics().get("queue.completion-events"), "IWC already set for the second wait");
        u.mmioWrite(0x9C, 4, 1);
        u.memory().write64(0x60020, 0x15);
        u.mmioWrite(0x88, 8, 0x30);
        assertEquals(2L, u.statistics().get("queue.completion-events"));
    }
}
