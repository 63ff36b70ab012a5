package org.iommusim.smmu.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.iommu.MachineConfigException;
import org.iommusim.core.iommu.MachineKind;
import org.iommusim.core.iommu.MachineKinds;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.request.TranslationResult;
import org.junit.jupiter.api.Test;

/** The machine kind, its options and presets, and the vendor-neutral capability view. */
class SmmuV2MachineTest {
    private static MachineKind kind() {
        return MachineKinds.find("smmuv2").orElseThrow();
    }

    @Test
    void foundThroughTheServiceFile() {
        assertInstanceOf(SmmuV2MachineKind.class, kind());
        assertEquals(List.of("default", "mmu500"), kind().presets());
    }

    @Test
    void defaultCapabilitiesOfferEverythingModelled() throws MachineConfigException {
        Map<String, Long> caps = kind().create(new PhysicalMemory(), Map.of()).capabilities();
        for (String f : List.of("IDR0.S1TS", "IDR0.S2TS", "IDR0.NTS", "IDR0.SMS", "IDR2.PTFSv8_4kB",
                "IDR2.PTFSv8_16kB", "IDR2.PTFSv8_64kB", "IDR2.VMID16S")) {
            assertEquals(1L, caps.get(f), f);
        }
        assertEquals(64L, caps.get("IDR0.NUMSMRG"));
        assertEquals(16L, caps.get("IDR1.NUMCB"));
        assertEquals(8L, caps.get("IDR1.NUMS2CB"));
        assertEquals(5L, caps.get("IDR2.IAS"));
        assertEquals(2L, caps.get("IDR0.PTFS"));
    }

    @Test
    void mmu500PresetHasTheDocumentedValues() throws MachineConfigException {
        Iommu smmu = kind().create(new PhysicalMemory(), Map.of("preset", "MMU500"));
        assertEquals(0xFC01_3E40L, smmu.mmioRead(0x20, 4));
        assertEquals(0x4000_1F20L, smmu.mmioRead(0x24, 4));
        assertEquals(0x5555L, smmu.mmioRead(0x28, 4));
        Map<String, Long> caps = smmu.capabilities();
        assertEquals(0L, caps.get("IDR2.PTFSv8_16kB"));
        assertEquals(32L, caps.get("IDR1.NUMCB"));
        assertEquals(2L, caps.get("IDR7.MAJOR"));
        assertEquals(1L, caps.get("IDR7.MINOR"));
    }

    @Test
    void idrOptionsOverrideThePreset() throws MachineConfigException {
        Iommu smmu = kind().create(new PhysicalMemory(), Map.of("preset", "mmu500", "idr2", "0x7555"));
        assertEquals(0x7555L, smmu.mmioRead(0x28, 4));
        assertEquals(1L, smmu.capabilities().get("IDR2.PTFSv8_16kB"));
    }

    @Test
    void badOptionsAreConfigurationErrors() {
        for (Map<String, String> bad : List.of(Map.of("preset", "mmu700"), Map.of("idr3", "1"),
                Map.of("idr0", "0x1_0000_0000"), Map.of("idr1", "0x30080021"),
                Map.of("idr1", "0x00100008"), Map.of("idr0", "0x10000040"), Map.of("tlb_entries", "10",
                        "tlb_ways", "3"), Map.of("tlb_policy", "mru"), Map.of("idr2", "zz"))) {
            assertThrows(MachineConfigException.class, () -> kind().create(new PhysicalMemory(), bad), bad::toString);
        }
    }

    @Test
    void aTlbOfNoEntriesCanBeConfigured() throws MachineConfigException {
        SmmuV2 smmu = (SmmuV2) kind().create(new PhysicalMemory(), Map.of("tlb_entries", "0"));
        smmu.mmioWrite(0, 4, 0); // CLIENTPD and USFCFG clear: an unmatched stream bypasses
        TranslationResult r = assertInstanceOf(TranslationResult.class,
                smmu.translate(TranslationRequest.of(9, 0x5123, Access.READ)));
        assertEquals(0x5123, r.outputAddress(0x5123));
        assertEquals(0L, smmu.statistics().get("tlb.capacity"));
        assertTrue(smmu.statistics().containsKey("walks.memoryReferences"));
    }
}
