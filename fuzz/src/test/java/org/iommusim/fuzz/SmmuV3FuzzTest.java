package org.iommusim.fuzz;

import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.smmu.v3.SmmuV3;
import org.iommusim.smmu.v3.command.Opcode;
import org.iommusim.smmu.v3.driver.CdTable;
import org.iommusim.smmu.v3.driver.DriverMemory;
import org.iommusim.smmu.v3.driver.IoPageTable;
import org.iommusim.smmu.v3.driver.PageAllocator;
import org.iommusim.smmu.v3.driver.Prot;
import org.iommusim.smmu.v3.driver.SmmuV3Driver;
import org.iommusim.smmu.v3.preset.Presets;
import org.iommusim.smmu.v3.registers.RegisterOffsets;
import org.iommusim.smmu.v3.ste.StreamTableEntry;
import org.iommusim.smmu.vmsa.Granule;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * SMMUv3: guest-written STEs, CDs and page tables, command-queue contents and register writes never
 * make the model throw; a translation ends in a result or a fault (an event, IHI 0070 7.3), a bad
 * command in CMDQ_ERR (IHI 0070 7.1).
 */
class SmmuV3FuzzTest {
    private static final String[] PRESETS = Presets.names().toArray(String[]::new);
    /** 0 bypass, 1 abort, 2 stage 1 (CD table with 4 CDs), 3 stage 2, 4 nested, 5..7 never attached. */
    private static final int[] SOURCES = {0, 1, 2, 3, 4, 5, 0x80};
    private static final int[] SSIDS = {0, 1, 2, 3};
    private static final long[] IOVAS = {0, 0x4000_0000L, 0x20_0000L, 0x8000_0000L, 0x1_0000, 0x40_0000_0000L};
    /**
     * Tables low (PhysicalMemory indexes frames below 16 GiB in an array as long as the highest one),
     * data above 16 GiB (hashed frames): a small machine per input keeps an input well under 1 ms.
     */
    private static final long TABLES = 0x10_0000L;
    private static final long DATA = 0x40_0000_0000L;
    private static final int[] OPCODES = {Opcode.PREFETCH_CONFIG, Opcode.PREFETCH_ADDR, Opcode.CFGI_STE,
            Opcode.CFGI_STE_RANGE, Opcode.CFGI_CD, Opcode.CFGI_CD_ALL, Opcode.TLBI_NH_ALL, Opcode.TLBI_NH_ASID,
            Opcode.TLBI_NH_VA, Opcode.TLBI_NH_VAA, Opcode.TLBI_EL2_ALL, Opcode.TLBI_EL2_ASID, Opcode.TLBI_EL2_VA,
            Opcode.TLBI_EL2_VAA, Opcode.TLBI_S12_VMALL, Opcode.TLBI_S2_IPA, Opcode.TLBI_NSNH_ALL, Opcode.ATC_INV,
            Opcode.PRI_RESP, Opcode.RESUME, Opcode.STALL_TERM, Opcode.CMD_SYNC};
    private static final long[] REGISTERS = {RegisterOffsets.CR0, RegisterOffsets.CR1, RegisterOffsets.CR2,
            RegisterOffsets.GBPA, RegisterOffsets.IRQ_CTRL, RegisterOffsets.GERROR, RegisterOffsets.GERRORN,
            RegisterOffsets.GERROR_IRQ_CFG0, RegisterOffsets.STRTAB_BASE, RegisterOffsets.STRTAB_BASE_CFG,
            RegisterOffsets.CMDQ_BASE, RegisterOffsets.CMDQ_PROD, RegisterOffsets.CMDQ_CONS,
            RegisterOffsets.EVENTQ_BASE, RegisterOffsets.EVENTQ_PROD, RegisterOffsets.EVENTQ_CONS,
            RegisterOffsets.EVENTQ_IRQ_CFG0, RegisterOffsets.PRIQ_BASE, RegisterOffsets.PRIQ_PROD,
            RegisterOffsets.PRIQ_CONS, 0x98, 0x9C, 0x10098, 0x1009C, 0xE00, 0xE08, 0x0F00};
    private static final long[] VALUES = {0xD, 0xF, 0x1, 0x8, 0xC, 0x5, 0x1D, 0x2, 0x6, 1L << 31, 0x8000_0000L,
            TABLES, TABLES | 8, TABLES | (1 << 16) | (6 << 6) | 8, 0x4000_0000_0000_0000L | TABLES, 0x3000_0004L,
            1L << 62, 0x8000_0000_0000_0000L, 0x100, 0x0010_0000L};

    private record Machine(SmmuV3 smmu, SmmuV3Driver driver) {
    }

    /** A driver-built configuration: linear or 2-level stream table, every STE config, a granule. */
    private static Machine machine(FuzzedDataProvider d) {
        PhysicalMemory memory = new PhysicalMemory(48);
        SmmuV3 smmu = new SmmuV3(memory, Presets.find(d.pickValue(PRESETS)).orElseThrow());
        PageAllocator alloc = new PageAllocator(DriverMemory.physical(memory), TABLES, TABLES + 0x100_0000L);
        SmmuV3Driver drv = new SmmuV3Driver(smmu, alloc, d.pickValue(SmmuV3Driver.StreamTableFormat.values()), 8);
        drv.init();
        drv.attachBypass(0);
        drv.attachAbort(1);
        Granule g = d.pickValue(Granule.values());
        int ias = d.consumeBoolean() ? 48 : 39;
        IoPageTable s1 = new IoPageTable(alloc, 1, g, ias, 48);
        s1.map(0, DATA, g.pageSize(), Prot.READ | Prot.WRITE);
        s1.map(0x4000_0000L, DATA + 0x10_0000L, g.pageSize(), Prot.READ | (d.consumeBoolean() ? Prot.PRIV : 0));
        int fmt = d.pickValue(new Integer[] {StreamTableEntry.S1FMT_LINEAR, StreamTableEntry.S1FMT_2LVL_4K,
                StreamTableEntry.S1FMT_2LVL_64K});
        CdTable cds = new CdTable(alloc, fmt, fmt == StreamTableEntry.S1FMT_LINEAR ? 2 : 8);
        for (int ssid = 0; ssid < 4; ssid++) {
            cds.write(ssid, 0x10 + ssid, s1, 0);
        }
        drv.attachStage1(2, cds);
        // stage 2: 4 KiB granule, identity 2 MiB blocks over the tables and the data
        IoPageTable s2 = new IoPageTable(alloc, 2, Granule.GRANULE_4K, 40, 48);
        for (long a = 0; a < TABLES + 0x100_0000L; a += 0x20_0000L) {
            s2.map(a, a, 0x20_0000L, Prot.READ | Prot.WRITE);
        }
        s2.map(DATA, DATA, 0x20_0000L, Prot.READ | (d.consumeBoolean() ? Prot.WRITE : 0));
        s2.map(0x8000_0000L, DATA + 0x20_0000L, 0x1000, Prot.READ | Prot.WRITE);
        drv.attachStage2(3, 1, s2);
        // nested: a guest CD table (IPA = PA through the identity blocks) over s2
        CdTable guest = new CdTable(alloc, StreamTableEntry.S1FMT_LINEAR, 0);
        IoPageTable gs1 = new IoPageTable(alloc, 1, Granule.GRANULE_4K, 48, 40);
        gs1.map(0, DATA, 0x1000, Prot.READ | Prot.WRITE);
        gs1.map(0x20_0000L, DATA + 0x1000, 0x1000, Prot.READ);
        guest.write(0, 0x77, gs1, 0);
        drv.attachNested(4, 2, s2, guest.base(), StreamTableEntry.S1FMT_LINEAR, 0);
        return new Machine(smmu, drv);
    }

    /**
     * Table memory: requests over a valid configuration fill the caches; then fuzzer words over chosen
     * frames (stream table, L1 descriptors, CD tables, stage-1 and stage-2 tables, queues) and requests
     * again, with the caches stale or invalidated.
     */
    @FuzzTest
    void tableMemory(FuzzedDataProvider d) {
        Machine m = machine(d);
        SmmuV3 smmu = m.smmu();
        Guest.requests(d, smmu, 4, SOURCES, SSIDS, IOVAS);
        long[] frames = Guest.frames(smmu.memory());
        for (int round = d.consumeInt(1, 2); round > 0; round--) {
            Guest.corrupt(d, smmu.memory(), frames, 24);
            if (d.consumeInt(0, 3) == 0) {
                // what a driver would do after changing tables; the queue keeps the driver's own commands
                command(smmu, Opcode.CFGI_STE_RANGE, 31L, 0);
                command(smmu, Opcode.TLBI_NSNH_ALL, 0, 0);
            }
            Guest.requests(d, smmu, 12, SOURCES, SSIDS, IOVAS);
        }
        m.driver().nextEvent();
        smmu.statistics();
    }

    /** Writes one command at CMDQ_PROD and publishes it (what the driver does, without its checks). */
    private static void command(SmmuV3 smmu, int opcode, long dw1, long dw0High) {
        long base = smmu.mmioRead(RegisterOffsets.CMDQ_BASE, 8);
        int log2 = (int) (base & 0x1F);
        long addr = base & 0x000F_FFFF_FFFF_FFE0L;
        int prod = (int) smmu.mmioRead(RegisterOffsets.CMDQ_PROD, 4);
        long slot = addr + 16L * (prod & ((1 << Math.min(log2, 19)) - 1));
        if (!smmu.memory().inRange(slot, 16)) {
            return;
        }
        smmu.memory().write64(slot, opcode | dw0High);
        smmu.memory().write64(slot + 8, dw1);
        int wrap = 1 << Math.min(log2, 19);
        int next = ((prod & (2 * wrap - 1)) + 1) & (2 * wrap - 1);
        smmu.mmioWrite(RegisterOffsets.CMDQ_PROD, 4, next);
    }

    /**
     * Command queue: fuzzer commands (a real opcode most of the time, any operands: StreamIDs, ranges,
     * CMD_SYNC MSI addresses anywhere) written at CMDQ_PROD, then CMDQ_PROD moved by the fuzzer (past
     * CONS, wrapped, overflowing), GERROR acknowledged or not, and translations through the result.
     */
    @FuzzTest
    void commandQueue(FuzzedDataProvider d) {
        Machine m = machine(d);
        SmmuV3 smmu = m.smmu();
        Guest.requests(d, smmu, 3, SOURCES, SSIDS, IOVAS);
        if (d.consumeInt(0, 3) == 0) {
            // the fuzzer's own queue: base anywhere in the table window, any size
            smmu.mmioWrite(RegisterOffsets.CR0, 4, 0x5);
            smmu.mmioWrite(RegisterOffsets.CMDQ_BASE, 8, (TABLES + d.consumeLong(0, 0xFFF) * 0x1000)
                    | d.consumeLong(0, 0x1F) | (d.consumeBoolean() ? 1L << 62 : 0));
            smmu.mmioWrite(RegisterOffsets.CMDQ_PROD, 4, 0);
            smmu.mmioWrite(RegisterOffsets.CMDQ_CONS, 4, d.consumeInt(0, 3));
            smmu.mmioWrite(RegisterOffsets.CR0, 4, 0xD);
        }
        long base = smmu.mmioRead(RegisterOffsets.CMDQ_BASE, 8);
        int log2 = (int) Math.min(base & 0x1F, 19);
        long addr = base & 0x000F_FFFF_FFFF_FFE0L;
        int entries = 1 << log2;
        int prod = (int) smmu.mmioRead(RegisterOffsets.CMDQ_PROD, 4);
        int n = d.consumeInt(0, 24);
        for (int i = 0; i < n && d.remainingBytes() > 0; i++) {
            long dw0 = d.consumeLong();
            if (d.consumeInt(0, 3) != 0) {
                dw0 = (dw0 & ~0xFFL) | OPCODES[d.consumeInt(0, OPCODES.length - 1)];
            }
            long dw1 = switch (d.consumeInt(0, 2)) {
                case 0 -> d.consumeLong();
                case 1 -> TABLES + d.consumeLong(0, 0xFF_FFFF);
                default -> d.consumeLong(0, 0xFFFF_FFFFL) << 12 | d.consumeLong(0, 0xFFF);
            };
            long slot = addr + 16L * ((prod + i) & (entries - 1));
            if (smmu.memory().inRange(slot, 16)) {
                smmu.memory().write64(slot, dw0);
                smmu.memory().write64(slot + 8, dw1);
            }
        }
        int moves = d.consumeInt(1, 4);
        for (int i = 0; i < moves && d.remainingBytes() > 0; i++) {
            int next = switch (d.consumeInt(0, 2)) {
                case 0 -> (prod + d.consumeInt(0, n)) & (2 * entries - 1); // the wrap bit above the index
                case 1 -> d.consumeInt(0, 0xF_FFFF);
                default -> d.consumeInt();
            };
            smmu.mmioWrite(RegisterOffsets.CMDQ_PROD, 4, next);
            if (d.consumeBoolean()) {
                // acknowledge a CMDQ_ERR: toggle GERRORN to match GERROR; consumption resumes
                smmu.mmioWrite(RegisterOffsets.GERRORN, 4, smmu.mmioRead(RegisterOffsets.GERROR, 4));
            }
            smmu.mmioRead(RegisterOffsets.CMDQ_CONS, 4);
        }
        Guest.requests(d, smmu, 6, SOURCES, SSIDS, IOVAS);
        m.driver().nextEvent();
        smmu.statistics();
    }

    /**
     * Registers: MMIO writes and reads anywhere in both 64 KiB pages (width 4 or 8, any value; CR0,
     * STRTAB_BASE, queue bases and pointers, GERRORN ...) interleaved with translations.
     */
    @FuzzTest
    void registers(FuzzedDataProvider d) {
        SmmuV3 smmu = d.consumeBoolean() ? machine(d).smmu()
                : new SmmuV3(new PhysicalMemory(48), Presets.find(d.pickValue(PRESETS)).orElseThrow());
        int n = d.consumeInt(1, 40);
        for (int i = 0; i < n && d.remainingBytes() > 0; i++) {
            switch (d.consumeInt(0, 3)) {
                case 0, 1 -> smmu.mmioWrite(Guest.offset(d, REGISTERS, RegisterOffsets.BLOCK_SIZE), Guest.width(d),
                        Guest.value(d, VALUES));
                case 2 -> smmu.mmioRead(Guest.offset(d, REGISTERS, RegisterOffsets.BLOCK_SIZE), Guest.width(d));
                default -> Guest.translate(smmu, Guest.request(d, SOURCES, SSIDS, IOVAS));
            }
        }
        smmu.statistics();
        smmu.capabilities();
    }
}
