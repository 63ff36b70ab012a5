package org.iommusim.smmu.v3.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Fault;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.request.TranslationResult;
import org.iommusim.smmu.v3.SmmuV3;
import org.iommusim.smmu.v3.event.EventType;
import org.iommusim.smmu.v3.preset.Presets;
import org.iommusim.smmu.v3.ste.StreamTableEntry;
import org.iommusim.smmu.vmsa.Granule;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The host driver programs the model only through registers and memory; the model then translates. */
class SmmuV3DriverTest {
    private PhysicalMemory memory;
    private SmmuV3 smmu;
    private PageAllocator allocator;
    private SmmuV3Driver driver;

    private void boot(SmmuV3Driver.StreamTableFormat format) {
        memory = new PhysicalMemory(48);
        smmu = new SmmuV3(memory, Presets.DEFAULT);
        allocator = new PageAllocator(DriverMemory.physical(memory), 0x1000_0000L, 0x4000_0000L);
        driver = new SmmuV3Driver(smmu, allocator, format, 16);
        driver.init();
    }

    private Translation translate(int sid, int ssid, long iova, Access access) {
        return smmu.translate(new TranslationRequest(sid, ssid, iova, access, false));
    }

    private long pa(int sid, int ssid, long iova) {
        Translation t = translate(sid, ssid, iova, Access.READ);
        assertTrue(t.ok(), () -> "0x" + Long.toHexString(iova) + ": " + t);
        return ((TranslationResult) t).outputAddress(iova);
    }

    private int fault(int sid, int ssid, long iova, Access access) {
        Translation t = translate(sid, ssid, iova, access);
        assertFalse(t.ok());
        return ((Fault) t).code();
    }

    @ParameterizedTest
    @EnumSource(SmmuV3Driver.StreamTableFormat.class)
    void bypassAbortAndStage1WithEveryCdFormat(SmmuV3Driver.StreamTableFormat format) {
        boot(format);
        driver.attachBypass(0x1234);
        assertEquals(0x5678, pa(0x1234, -1, 0x5678));
        driver.attachAbort(0x1235);
        assertEquals(0, fault(0x1235, -1, 0x5678, Access.READ));
        int sid = 0x100;
        for (int fmt : new int[] {StreamTableEntry.S1FMT_LINEAR, StreamTableEntry.S1FMT_2LVL_4K,
                StreamTableEntry.S1FMT_2LVL_64K}) {
            CdTable cds = new CdTable(allocator, fmt, fmt == StreamTableEntry.S1FMT_LINEAR ? 6 : 20);
            int[] ssids = fmt == StreamTableEntry.S1FMT_LINEAR ? new int[] {0, 1, 63} : new int[] {0, 77, 0xFFFFF};
            for (int i = 0; i < ssids.length; i++) {
                IoPageTable t = new IoPageTable(allocator, 1, Granule.values()[i], 48, 48);
                assertEquals(0, t.map(0x4000_0000L, 0x8000_0000L + (long) i * 0x10_0000, t.pageSizes()[0],
                        Prot.READ | Prot.WRITE));
                cds.write(ssids[i], 0x10 * sid + i, t, 0);
            }
            driver.attachStage1(sid, cds);
            for (int i = 1; i < ssids.length; i++) {
                assertEquals(0x8000_0000L + (long) i * 0x10_0000 + 0x24, pa(sid, ssids[i], 0x4000_0024L));
            }
            // S1DSS=0b10: requests without a SubstreamID use CD 0, and SubstreamID 0 itself is refused
            assertEquals(0x8000_0024L, pa(sid, -1, 0x4000_0024L));
            assertEquals(EventType.F_STREAM_DISABLED, fault(sid, 0, 0x4000_0024L, Access.READ));
            sid++;
        }
    }

    @ParameterizedTest
    @EnumSource(Granule.class)
    void unmapNeedsInvalidation(Granule g) {
        boot(SmmuV3Driver.StreamTableFormat.TWO_LEVEL);
        IoPageTable t = new IoPageTable(allocator, 1, g, 40, 48);
        CdTable cds = new CdTable(allocator, StreamTableEntry.S1FMT_LINEAR, 0);
        cds.write(0, 9, t, 0);
        driver.attachStage1(7, cds);
        long page = g.pageSize();
        assertEquals(0, t.map(0x10 * page, 0x9000_0000L, page, Prot.READ | Prot.WRITE));
        assertEquals(0x9000_0010L, pa(7, -1, 0x10 * page + 0x10));
        assertEquals(page, t.unmap(0x10 * page, page));
        assertEquals(0x9000_0010L, pa(7, -1, 0x10 * page + 0x10)); // stale until invalidated
        driver.invalidateVa(0, 9, 0x10 * page, true);
        assertEquals(EventType.F_TRANSLATION, fault(7, -1, 0x10 * page, Access.READ));
        long[] event = driver.nextEvent();
        assertNotNull(event);
        assertEquals((7L << 32) | EventType.F_TRANSLATION, event[0]);
        assertNull(driver.nextEvent());
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void rangeInvalidationWithAndWithoutRil(boolean ril) {
        memory = new PhysicalMemory(48);
        org.iommusim.smmu.v3.registers.IdRegisters d = Presets.DEFAULT;
        smmu = new SmmuV3(memory, new org.iommusim.smmu.v3.registers.IdRegisters(d.idr0(), d.idr1(), d.idr2(),
                ril ? d.idr3() : d.idr3() & ~(1 << 10), d.idr4(), d.idr5(), d.iidr(), d.aidr()));
        allocator = new PageAllocator(DriverMemory.physical(memory), 0x1000_0000L, 0x4000_0000L);
        driver = new SmmuV3Driver(smmu, allocator, SmmuV3Driver.StreamTableFormat.LINEAR, 8);
        driver.init();
        IoPageTable t = new IoPageTable(allocator, 1, Granule.GRANULE_4K, 39, 48);
        CdTable cds = new CdTable(allocator, StreamTableEntry.S1FMT_LINEAR, 0);
        cds.write(0, 4, t, 0);
        driver.attachStage1(2, cds);
        for (int i = 0; i < 40; i++) {
            assertEquals(0, t.map(0x100_0000L + i * 0x1000L, 0x8000_0000L + i * 0x1000L, 0x1000, Prot.READ));
            pa(2, -1, 0x100_0000L + i * 0x1000L);
        }
        for (int i = 0; i < 40; i++) {
            t.unmap(0x100_0000L + i * 0x1000L, 0x1000);
        }
        long consumed = smmu.statistics().get("commands.consumed");
        driver.invalidateRange(0, 4, 0x100_0000L + 3 * 0x1000L, 35 * 0x1000L, Granule.GRANULE_4K, 3);
        long commands = smmu.statistics().get("commands.consumed") - consumed;
        assertEquals(ril ? 3 : 36, commands); // 35 = 32 + 2 + 1 pages in three range commands (+ CMD_SYNC)
        for (int i = 0; i < 40; i++) {
            long iova = 0x100_0000L + i * 0x1000L;
            if (i >= 3 && i < 38) {
                assertEquals(EventType.F_TRANSLATION, fault(2, -1, iova, Access.READ), "page " + i);
            } else {
                assertEquals(0x8000_0000L + i * 0x1000L, pa(2, -1, iova), "page " + i + " still cached");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Granule.class)
    void stage2AndNestedWithAGuestCdTable(Granule g) {
        boot(SmmuV3Driver.StreamTableFormat.LINEAR);
        IoPageTable s2 = new IoPageTable(allocator, 2, g, 40, 48);
        // guest RAM: IPA 0x4000_0000 + n -> PA 0x2000_0000 + n, 4 MiB
        long guestRam = 0x2000_0000L;
        for (long off = 0; off < (4 << 20); off += g.pageSize()) {
            assertEquals(0, s2.map(0x4000_0000L + off, guestRam + off, g.pageSize(), Prot.READ | Prot.WRITE));
        }
        driver.attachStage2(3, 5, s2);
        assertEquals(guestRam + 0x1234, pa(3, -1, 0x4000_1234L));
        assertEquals(EventType.F_TRANSLATION, fault(3, -1, 0x5000_0000L, Access.READ));
        long top = 0x403F_0000L; // a page of guest RAM its own tables do not use
        assertEquals(guestRam + 0x3F_0234, pa(3, -1, top + 0x234));
        assertEquals(g.pageSize(), s2.unmap(top, g.pageSize()));
        assertEquals(guestRam + 0x3F_0234, pa(3, -1, top + 0x234)); // stale
        driver.invalidateIpa(5, top);
        assertEquals(EventType.F_TRANSLATION, fault(3, -1, top + 0x234, Access.READ));
        assertEquals(0, s2.map(top, guestRam + 0x3F_0000 - g.pageSize(), g.pageSize(), Prot.READ | Prot.WRITE));
        driver.invalidateVmid(5);
        assertEquals(guestRam + 0x3F_0234 - g.pageSize(), pa(3, -1, top + 0x234));

        // the guest builds its CD table and stage-1 tables in its RAM, with IPAs in every pointer
        PageAllocator guest = new PageAllocator(DriverMemory.guest(memory, 0x4000_0000L, guestRam),
                0x4000_0000L, 0x4040_0000L);
        IoPageTable s1 = new IoPageTable(guest, 1, g, 39, 40);
        CdTable cds = new CdTable(guest, StreamTableEntry.S1FMT_2LVL_4K, 8);
        assertEquals(0, s1.map(0x7000_0000L, 0x4030_0000L, g.pageSize(), Prot.READ | Prot.WRITE));
        cds.write(5, 77, s1, 0);
        driver.attachNested(4, 5, s2, cds.base(), cds.s1Fmt(), cds.cdMax());
        assertEquals(guestRam + 0x30_0000 + 0x44, pa(4, 5, 0x7000_0044L));
        assertEquals(EventType.C_BAD_CD, fault(4, 6, 0x7000_0044L, Access.READ));
        assertEquals(0x30_0044L, s1.iovaToPhys(0x7000_0044L) - 0x4000_0000L);
    }
}
