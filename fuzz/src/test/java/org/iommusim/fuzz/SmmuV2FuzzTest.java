package org.iommusim.fuzz;

import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Permissions;
import org.iommusim.smmu.v2.SmmuV2;
import org.iommusim.smmu.v2.SmmuV2Config;
import org.iommusim.smmu.v2.driver.Allocator;
import org.iommusim.smmu.v2.driver.SmmuV2Driver;
import org.iommusim.smmu.v2.driver.SmmuV2Driver.Domain;
import org.iommusim.smmu.v2.driver.TableMemory;
import org.iommusim.smmu.v2.preset.SmmuV2Preset;
import org.iommusim.smmu.v2.registers.AddressMap;
import org.iommusim.smmu.v2.registers.ContextBankRegisters;
import org.iommusim.smmu.v2.registers.GlobalRegisters;
import org.iommusim.smmu.vmsa.Granule;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * SMMUv2: register writes anywhere in the global and context-bank space and guest-written page tables
 * never make the model throw; a bad configuration is a global fault (SGFSR), a bad walk a context
 * fault (FSR), as IHI 0062 chapters 8 and 10 say.
 */
class SmmuV2FuzzTest {
    private static final SmmuV2Preset[] PRESETS = SmmuV2Preset.all().toArray(SmmuV2Preset[]::new);
    /** 0x21 stage 1, 0x22 stage 2, 0x23 nested (when IDR0.NTS), the rest unattached. */
    private static final int[] SOURCES = {0x21, 0x22, 0x23, 0x24, 0};
    private static final int[] NO_PASIDS = {-1};
    private static final long[] IOVAS = {0, 0x4000_0000L, 0x20_0000L, 0x20_0000_0000L, 0x1_0000};
    /** Host tables low (array-indexed frames), guest RAM and data above 16 GiB (hashed frames): cheap machines. */
    private static final long TABLES = 0x10_0000L;
    /** Aligned to every granule's level-2 block (512 MiB for 64 KiB); stage 2 maps it 1:1. */
    private static final long GUEST = 0x20_0000_0000L;
    private static final long DATA = 0x40_0000_0000L;
    private static final long[] GLOBAL = {GlobalRegisters.SCR0, GlobalRegisters.SCR2, GlobalRegisters.SACR,
            GlobalRegisters.SGFAR, GlobalRegisters.SGFSR, GlobalRegisters.SGFSRRESTORE, GlobalRegisters.SGFSYNR0,
            GlobalRegisters.TLBIVMID, GlobalRegisters.TLBIALLNSNH, GlobalRegisters.TLBIALLH,
            GlobalRegisters.STLBGSYNC, GlobalRegisters.STLBGSTATUS, GlobalRegisters.TLBIVMIDS1,
            GlobalRegisters.SMR, GlobalRegisters.SMR + 4, GlobalRegisters.S2CR, GlobalRegisters.S2CR + 4,
            GlobalRegisters.SMR + 0x1FC, GlobalRegisters.S2CR + 0x1FC};
    private static final long[] BANK = {ContextBankRegisters.SCTLR, ContextBankRegisters.ACTLR,
            ContextBankRegisters.TCR2, ContextBankRegisters.TTBR0, ContextBankRegisters.TTBR0 + 4,
            ContextBankRegisters.TTBR1, ContextBankRegisters.TCR, ContextBankRegisters.CONTEXTIDR,
            ContextBankRegisters.MAIR0, ContextBankRegisters.FSR, ContextBankRegisters.FSRRESTORE,
            ContextBankRegisters.FAR, ContextBankRegisters.FSYNR0, ContextBankRegisters.IPAFAR,
            ContextBankRegisters.TLBIVA, ContextBankRegisters.TLBIVAA, ContextBankRegisters.TLBIASID,
            ContextBankRegisters.TLBIALL, ContextBankRegisters.TLBIVAL, ContextBankRegisters.TLBIIPAS2,
            ContextBankRegisters.TLBSYNC, ContextBankRegisters.TLBSTATUS};
    private static final long[] VALUES = {0, 1, 0x21, 0x8000_0021L, 0x8001_0021L, 0x0001_0000L, 0x0002_0000L,
            0x0003_0000L, 0x1_0000_0000L, 0xFFFF_FFFFL, 0x8000_0000L, 0x10_0000L, 0x40_0000L, 0x2_0000L,
            0x8000_0000_0000_0000L, 0x80_3519L, 0x1061L, 0xE0L, 0x200, TABLES, TABLES | 0x1000, GUEST};

    private record Machine(SmmuV2 smmu, SmmuV2Driver driver) {
    }

    /** Stage-1, stage-2 and nested contexts built by the driver with one granule, a few pages mapped. */
    private static Machine machine(FuzzedDataProvider d) {
        SmmuV2 smmu = new SmmuV2(new PhysicalMemory(48), SmmuV2Config.of(PRESETS[d.consumeInt(0, PRESETS.length - 1)]));
        SmmuV2Driver drv = new SmmuV2Driver(smmu, new Allocator(TABLES, 1 << 24));
        drv.reset();
        Granule g = d.pickValue(Granule.values());
        long page = g.pageSize();
        int perms = d.consumeBoolean() ? Permissions.READ | Permissions.WRITE : Permissions.READ;
        if (drv.bankAvailable(true)) {
            Domain s1 = drv.allocateStage1(g, d.consumeBoolean() ? 48 : 39);
            drv.map(s1, 0, DATA, page, perms);
            drv.map(s1, 0x4000_0000L, DATA + 0x100_0000L, page, Permissions.READ);
            drv.attach(0x21, 0, s1);
        }
        if (drv.bankAvailable(false)) {
            Domain s2 = drv.allocateStage2(g, 40, g == Granule.GRANULE_4K ? 1 : 2);
            long block = 1L << g.levelShift(2);
            drv.map(s2, GUEST, GUEST, block, Permissions.READ | Permissions.WRITE);
            drv.map(s2, 0, DATA, page, perms);
            drv.attach(0x22, 0, s2);
            if (drv.idr0().nts() && drv.bankAvailable(true)) {
                PhysicalMemory m = smmu.memory();
                Domain n = drv.allocateNested(s2, g, 48, TableMemory.physical(m), new Allocator(GUEST, 1 << 20));
                drv.map(n, 0, GUEST + 0x10_0000L, page, perms);
                drv.map(n, 0x4000_0000L, GUEST + 0x20_0000L, page, Permissions.READ);
                drv.attach(0x23, 0, n);
            }
        }
        return new Machine(smmu, drv);
    }

    /**
     * Registers: writes and reads in GR0, GR1 (CBAR, CBA2R) and the context banks, with the known
     * offsets most of the time, interleaved with translations, on a reset unit or one with contexts.
     */
    @FuzzTest
    void registers(FuzzedDataProvider d) {
        SmmuV2 smmu = d.consumeBoolean() ? machine(d).smmu()
                : new SmmuV2(new PhysicalMemory(48), SmmuV2Config.of(PRESETS[d.consumeInt(0, PRESETS.length - 1)]));
        AddressMap map = smmu.addressMap();
        int n = d.consumeInt(1, 40);
        for (int i = 0; i < n && d.remainingBytes() > 0; i++) {
            int op = d.consumeInt(0, 3);
            if (op == 3) {
                Guest.translate(smmu, Guest.request(d, SOURCES, NO_PASIDS, IOVAS));
                continue;
            }
            long offset = switch (d.consumeInt(0, 3)) {
                case 0 -> Guest.offset(d, GLOBAL, map.pageSize());
                case 1 -> map.gr1Base() + d.consumeLong(0, 0x3FF) * 4;
                case 2 -> map.contextBank(d.consumeInt(0, Math.max(0, map.numPage() - 1)))
                        + Guest.offset(d, BANK, map.pageSize());
                default -> d.consumeLong(0, map.size() - 1);
            };
            if (op == 2) {
                smmu.mmioRead(offset, Guest.width(d));
            } else {
                smmu.mmioWrite(offset, Guest.width(d), Guest.value(d, VALUES));
            }
        }
        smmu.statistics();
        smmu.capabilities();
    }

    /**
     * Table memory: requests fill the TLB; then fuzzer words over the page-table frames of every
     * context (stage 1, stage 2, the nested guest's) and requests again, the TLB stale or invalidated.
     */
    @FuzzTest
    void tableMemory(FuzzedDataProvider d) {
        Machine m = machine(d);
        SmmuV2 smmu = m.smmu();
        Guest.requests(d, smmu, 4, SOURCES, NO_PASIDS, IOVAS);
        long[] frames = Guest.frames(smmu.memory());
        for (int round = d.consumeInt(1, 2); round > 0; round--) {
            Guest.corrupt(d, smmu.memory(), frames, 24);
            if (d.consumeInt(0, 3) == 0) {
                smmu.mmioWrite(GlobalRegisters.TLBIALLNSNH, 4, 0);
                smmu.mmioWrite(GlobalRegisters.STLBGSYNC, 4, 0);
            }
            Guest.requests(d, smmu, 12, SOURCES, NO_PASIDS, IOVAS);
        }
        m.driver().clearAllFaults();
        smmu.statistics();
    }
}
