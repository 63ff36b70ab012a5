package org.iommusim.fuzz;

import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Permissions;
import org.iommusim.vtd.VtdIommu;
import org.iommusim.vtd.driver.IoPageTable;
import org.iommusim.vtd.driver.PasidSetup;
import org.iommusim.vtd.driver.VtdDriver;
import org.iommusim.vtd.pasid.Pgtt;
import org.iommusim.vtd.preset.Presets;
import org.iommusim.vtd.registers.GlobalCommand;
import org.iommusim.vtd.registers.RegisterOffsets;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * VT-d: guest-written table memory, register writes and invalidation descriptors never make the model
 * throw; every request ends in a translation or a fault (VT-d 7.1: faults, not failures).
 */
class VtdFuzzTest {
    private static final String[] PRESETS = Presets.names().toArray(String[]::new);
    /** Legacy: SID 8 through a second-stage table, SID 9 pass-through. Scalable: SID 8, PASIDs 1..5. */
    private static final int[] SOURCES = {8, 9, 0x108, 0};
    private static final int[] PASIDS = {1, 2, 3, 4, 5, 0};
    private static final long[] IOVAS = {0, 0x4000_0000L, 0x20_0000L, 0x7F_FFFF_F000L, 0x1000};
    /** Guest frames of the nested first-stage table (GPA = HPA: stage 2 maps them 1:1). */
    private static final long GUEST_TABLES = 0x4_0000;
    private static final long[] REGISTERS = {RegisterOffsets.GCMD, RegisterOffsets.GSTS, RegisterOffsets.RTADDR,
            RegisterOffsets.CCMD, RegisterOffsets.FSTS, RegisterOffsets.FECTL, RegisterOffsets.FEDATA,
            RegisterOffsets.FEADDR, RegisterOffsets.IQH, RegisterOffsets.IQT, RegisterOffsets.IQA,
            RegisterOffsets.ICS, RegisterOffsets.IECTL, RegisterOffsets.IQER, 0x400, 0x408, 0x40C, 0x500, 0x508,
            0x50C, 0x208, 0x218, 0x228, 0x100, 0x108, 0x600, 0x700};
    private static final long[] VALUES = {GlobalCommand.TE, GlobalCommand.SRTP, GlobalCommand.QIE,
            GlobalCommand.TE | GlobalCommand.QIE, GlobalCommand.WBF, GlobalCommand.SFL, GlobalCommand.IRE,
            GlobalCommand.SIRTP, GlobalCommand.CFI, 0x10000, 0x10400, 0x10800, 0x10C00, 1L << 63, 0xA000_0000_0000_0000L,
            0x9000_0000_0001_0000L, 0x8000_0000_0000_0000L | (1L << 32), 0x60000, 0x60800, 0x60007, 1L << 31,
            0x10, 0x7F, 0x1000_0000_0000_0000L};

    /** A unit set up by its driver: legacy or scalable, each translation type, a few pages mapped. */
    private record Machine(VtdIommu iommu, VtdDriver driver) {
    }

    private static Machine machine(FuzzedDataProvider d, boolean wantScalable) {
        VtdIommu u = new VtdIommu(new PhysicalMemory(39), Presets.get(d.pickValue(PRESETS)));
        VtdDriver drv = new VtdDriver(u, 0x10_0000L, 0x80_0000L);
        boolean scalable = wantScalable && drv.init(true);
        if (!scalable) {
            drv.init(false);
        }
        int levels = d.consumeBoolean() ? 4 : 3;
        IoPageTable ss = drv.newSecondStageTable(levels);
        int perms = d.consumeBoolean() ? Permissions.READ | Permissions.WRITE : Permissions.READ;
        ss.map(0, 0x90_0000L, 0x1000, perms, false);
        ss.map(0x4000_0000L, 0xA0_0000L, 0x20_0000L, perms, false);
        ss.map(0x20_0000L, 0xC0_0000L, 0x1000, Permissions.RWX, false);
        if (!scalable) {
            drv.attachLegacy(8, 1, ss, false);
            drv.attachLegacy(9, 2, null, true);
            drv.attachLegacy(0x108, 3, ss, false);
            return new Machine(u, drv);
        }
        // nested: the guest's first-stage frames are GPAs mapped 1:1 by stage 2
        for (long gpa = GUEST_TABLES; gpa < GUEST_TABLES + 0x8000; gpa += 0x1000) {
            ss.map(gpa, gpa, 0x1000, Permissions.READ | Permissions.WRITE, false);
        }
        long[] next = {GUEST_TABLES};
        IoPageTable guestFs = drv.newGuestFirstStageTable(4, () -> {
            long f = next[0];
            next[0] += 0x1000;
            return f;
        }, gpa -> gpa);
        guestFs.map(0, 0, 0x1000, Permissions.READ | Permissions.WRITE, d.consumeBoolean());
        guestFs.map(0x4000_0000L, 0x4000_0000L, 0x20_0000L, perms, true);
        IoPageTable fs = drv.newFirstStageTable(4);
        fs.map(0, 0xB0_0000L, 0x1000, perms, d.consumeBoolean());
        fs.map(0x7F_FFFF_F000L, 0xB1_0000L, 0x1000, Permissions.RWX, false);
        drv.setPasidEntry(8, 1, PasidSetup.firstStage(1, fs));
        drv.setPasidEntry(8, 2, PasidSetup.secondStage(2, ss));
        drv.setPasidEntry(8, 3, PasidSetup.nested(3, guestFs, ss));
        drv.setPasidEntry(8, 4, new PasidSetup(Pgtt.NESTED, 4, guestFs, ss, true, true, true, true));
        drv.setPasidEntry(8, 5, PasidSetup.passThrough(5));
        drv.setPasidEntry(8, 0, PasidSetup.secondStage(6, ss));
        drv.setPasidEntry(0x108, 1, PasidSetup.firstStage(7, fs));
        return new Machine(u, drv);
    }

    /**
     * Table memory: a valid driver setup (legacy or scalable; second stage, first stage, nested, pass-
     * through), requests that fill the caches, then fuzzer words over chosen frames (root, context,
     * PASID directory and table, page tables of both stages) and requests again, with stale caches.
     */
    @FuzzTest
    void tableMemory(FuzzedDataProvider d) {
        Machine m = machine(d, d.consumeBoolean());
        VtdIommu u = m.iommu();
        Guest.requests(d, u, 4, SOURCES, PASIDS, IOVAS);
        long[] frames = Guest.frames(u.memory());
        for (int round = d.consumeInt(1, 2); round > 0; round--) {
            Guest.corrupt(d, u.memory(), frames, 24);
            if (d.consumeInt(0, 3) == 0) {
                m.driver().flushContextDevice(8); // global context-cache invalidation, then IOTLB
                m.driver().flushIotlbDomain(1);
            }
            Guest.requests(d, u, 12, SOURCES, PASIDS, IOVAS);
        }
        m.driver().clearFaultRecords();
        u.statistics();
    }

    /**
     * Registers: a sequence of MMIO writes and reads (any offset in the 4 KiB block, width 4 or 8, any
     * value) interleaved with translations, on a fresh unit or one its driver set up.
     */
    @FuzzTest
    void registers(FuzzedDataProvider d) {
        VtdIommu u = d.consumeBoolean() ? machine(d, d.consumeBoolean()).iommu()
                : new VtdIommu(new PhysicalMemory(39), Presets.get(d.pickValue(PRESETS)));
        int n = d.consumeInt(1, 40);
        for (int i = 0; i < n && d.remainingBytes() > 0; i++) {
            switch (d.consumeInt(0, 3)) {
                case 0, 1 -> u.mmioWrite(Guest.offset(d, REGISTERS, VtdIommu.REGISTER_BLOCK_SIZE), Guest.width(d),
                        Guest.value(d, VALUES));
                case 2 -> u.mmioRead(Guest.offset(d, REGISTERS, VtdIommu.REGISTER_BLOCK_SIZE), Guest.width(d));
                default -> Guest.translate(u, Guest.request(d, SOURCES, PASIDS, IOVAS));
            }
        }
        u.statistics();
        u.capabilities();
    }

    /**
     * Invalidation queue: descriptors (128 or 256 bits, a plausible type most of the time) written into
     * the queue, then IQT moved by the fuzzer (within the queue, past it, unaligned), with IQE cleared
     * or not; the queue is the driver's or one the fuzzer programmed through IQA.
     */
    @FuzzTest
    void invalidationQueue(FuzzedDataProvider d) {
        VtdIommu u;
        if (d.consumeBoolean()) {
            u = machine(d, d.consumeBoolean()).iommu();
        } else {
            u = new VtdIommu(new PhysicalMemory(39), Presets.get(d.pickValue(PRESETS)));
            u.mmioWrite(RegisterOffsets.IQT, 8, 0);
            u.mmioWrite(RegisterOffsets.IQA, 8, 0x60000 | d.consumeLong(0, 0xFFF));
            u.mmioWrite(RegisterOffsets.GCMD, 4, GlobalCommand.QIE);
        }
        long iqa = u.mmioRead(RegisterOffsets.IQA, 8);
        long base = iqa & ~0xFFFL;
        boolean wide = (iqa & 0x800) != 0;
        int size = 16 << (wide ? 1 : 0);
        long entries = (0x1000L << (iqa & 7)) / size;
        long head = u.mmioRead(RegisterOffsets.IQH, 8) >>> (wide ? 5 : 4);
        int n = d.consumeInt(0, 24);
        long slot = head;
        for (int i = 0; i < n && d.remainingBytes() > 0; i++) {
            long dw0 = d.consumeLong();
            if (d.consumeInt(0, 3) != 0) {
                // type in bits 3:0 and 11:9; the rest the fuzzer's
                int type = d.consumeInt(1, 9);
                dw0 = (dw0 & ~0xE0FL) | (type & 0xF) | (d.consumeBoolean() ? 0 : dw0 & 0xE00);
            }
            long a = base + (slot % entries) * size;
            if (u.memory().inRange(a, size)) {
                u.memory().write64(a, dw0);
                for (int w = 8; w < size; w += 8) {
                    long v = d.consumeBoolean() ? d.consumeLong() : d.consumeLong(0, 0x7F_FFFF) << 3;
                    u.memory().write64(a + w, v);
                }
            }
            slot++;
        }
        int moves = d.consumeInt(1, 4);
        for (int i = 0; i < moves && d.remainingBytes() > 0; i++) {
            long tail = switch (d.consumeInt(0, 2)) {
                case 0 -> ((head + d.consumeLong(0, n)) % entries) << (wide ? 5 : 4);
                case 1 -> d.consumeLong(0, 0x7_FFFF) << 4;
                default -> d.consumeLong();
            };
            u.mmioWrite(RegisterOffsets.IQT, 8, tail);
            if (d.consumeBoolean()) {
                u.mmioWrite(RegisterOffsets.FSTS, 4, 0x7F); // clear IQE/ICE/ITE (RW1C) and resume
            }
            u.mmioRead(RegisterOffsets.IQH, 8);
            u.mmioRead(RegisterOffsets.IQER, 8);
            u.mmioRead(RegisterOffsets.ICS, 4);
        }
        Guest.requests(d, u, 4, SOURCES, PASIDS, IOVAS);
        u.statistics();
    }
}
