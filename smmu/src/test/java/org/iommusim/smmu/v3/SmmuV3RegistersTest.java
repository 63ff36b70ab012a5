package org.iommusim.smmu.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.smmu.v3.preset.Presets;
import org.iommusim.smmu.v3.registers.RegisterOffsets;
import org.junit.jupiter.api.Test;

/** Register behaviour of IHI 0070 chapter 6 that scenarios do not reach. */
class SmmuV3RegistersTest {
    private final SmmuV3 smmu = new SmmuV3(new PhysicalMemory(), Presets.DEFAULT);

    private long read(int offset) {
        return smmu.mmioRead(offset, 4);
    }

    @Test
    void tableRegistersAreWritableOnlyWhileDisabled() {
        smmu.mmioWrite(RegisterOffsets.STRTAB_BASE, 8, 0x1234_5000L);
        smmu.mmioWrite(RegisterOffsets.CR2, 4, 2);
        smmu.mmioWrite(RegisterOffsets.CR0, 4, 1);
        assertEquals(1, read(RegisterOffsets.CR0ACK));
        smmu.mmioWrite(RegisterOffsets.STRTAB_BASE, 8, 0x9999_0000L);
        smmu.mmioWrite(RegisterOffsets.STRTAB_BASE_CFG, 4, 7);
        smmu.mmioWrite(RegisterOffsets.CR2, 4, 0);
        assertEquals(0x1234_5000L, smmu.mmioRead(RegisterOffsets.STRTAB_BASE, 8));
        assertEquals(0, read(RegisterOffsets.STRTAB_BASE_CFG));
        assertEquals(2, read(RegisterOffsets.CR2));
    }

    @Test
    void queueRegistersFollowTheirEnables() {
        smmu.mmioWrite(RegisterOffsets.CMDQ_BASE, 8, 0x10_0000L | 4);
        smmu.mmioWrite(RegisterOffsets.CR0, 4, 8);
        smmu.mmioWrite(RegisterOffsets.CMDQ_BASE, 8, 0x20_0000L | 4);
        smmu.mmioWrite(RegisterOffsets.CMDQ_CONS, 4, 3);
        assertEquals(0x10_0004L, smmu.mmioRead(RegisterOffsets.CMDQ_BASE, 8));
        assertEquals(0, read(RegisterOffsets.CMDQ_CONS));
        // 64-bit registers take 32-bit halves
        smmu.mmioWrite(RegisterOffsets.EVENTQ_BASE + 4, 4, 0x1);
        smmu.mmioWrite(RegisterOffsets.EVENTQ_BASE, 4, 0x3000_0005);
        assertEquals(0x1_3000_0005L, smmu.mmioRead(RegisterOffsets.EVENTQ_BASE, 8));
        // RES0 bits of CR0 and the queue base read as zero
        smmu.mmioWrite(RegisterOffsets.CR0, 4, 0xFFFF_FFFF);
        assertEquals(0x1DD, read(RegisterOffsets.CR0ACK)); // no PRIQEN without IDR0.PRI
    }

    @Test
    void gbpaNeedsUpdateAndIrqConfigNeedsMsi() {
        smmu.mmioWrite(RegisterOffsets.GBPA, 4, 1 << 20);
        assertEquals(1 << 12, read(RegisterOffsets.GBPA));
        smmu.mmioWrite(RegisterOffsets.GBPA, 4, (1 << 31) | (1 << 20) | 0xFF);
        assertEquals((1 << 20) | 0x1F, read(RegisterOffsets.GBPA));
        smmu.mmioWrite(RegisterOffsets.GERROR_IRQ_CFG0, 8, 0x1234_5678L);
        assertEquals(0x1234_5678L, smmu.mmioRead(RegisterOffsets.GERROR_IRQ_CFG0, 8));
        SmmuV3 noMsi = new SmmuV3(new PhysicalMemory(), Presets.QEMU);
        noMsi.mmioWrite(RegisterOffsets.GERROR_IRQ_CFG0, 8, 0x1234_5678L);
        noMsi.mmioWrite(RegisterOffsets.PRIQ_BASE, 8, 0x1234_5678L);
        assertEquals(0, noMsi.mmioRead(RegisterOffsets.GERROR_IRQ_CFG0, 8));
        assertEquals(0, noMsi.mmioRead(RegisterOffsets.PRIQ_BASE, 8));
        assertEquals(0, noMsi.mmioRead(0x1_FFFC, 4));
        assertEquals(0, noMsi.mmioRead(0x2_0000, 8));
    }

    @Test
    void capabilitiesAndStatisticsAreNamed() {
        Map<String, Long> caps = smmu.capabilities();
        assertEquals(1L, caps.get("IDR0.S1P"));
        assertEquals(1L, caps.get("IDR0.S2P"));
        assertEquals(2L, caps.get("IDR0.HTTU"));
        assertEquals(20L, caps.get("IDR1.SSIDSIZE"));
        assertEquals(5L, caps.get("IDR5.OAS"));
        assertEquals(1L, caps.get("IDR3.RIL"));
        assertEquals(0x483L, new SmmuV3(new PhysicalMemory(), Presets.MMU600_AGILEX5).capabilities()
                .get("IIDR.ProductID"));
        Map<String, Long> stats = smmu.statistics();
        for (String key : new String[] {"translations", "tlb.hits", "tlb.misses", "cache.ste.hits", "cache.cd.misses",
                "cache.s1walk.fills", "cache.s2walk.evictions", "cache.ipa.occupancy", "events.recorded",
                "commands.consumed", "memory.page_walk"}) {
            assertTrue(stats.containsKey(key), key);
        }
    }
}
