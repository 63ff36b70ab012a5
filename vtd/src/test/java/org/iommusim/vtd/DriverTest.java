package org.iommusim.vtd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Fault;
import org.iommusim.core.request.Permissions;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.request.TranslationResult;
import org.iommusim.vtd.driver.IoPageTable;
import org.iommusim.vtd.driver.PasidSetup;
import org.iommusim.vtd.driver.VtdDriver;
import org.iommusim.vtd.preset.Presets;
import org.junit.jupiter.api.Test;

/** The host driver sets the unit up through registers and memory only, in both modes and every PGTT. */
class DriverTest {
    static final long REGION = 0x100_0000L;
    static final long REGION_END = 0x800_0000L;

    static VtdIommu unit(VtdConfig config) {
        return new VtdIommu(new PhysicalMemory(), config);
    }

    static long pa(Translation t, long iova) {
        assertInstanceOf(TranslationResult.class, t, () -> "expected a translation, got " + t);
        return ((TranslationResult) t).outputAddress(iova);
    }

    @Test
    void legacyMapUnmapAndPageSelectiveInvalidation() {
        VtdIommu u = unit(Presets.DEFAULT);
        VtdDriver d = new VtdDriver(u, REGION, REGION_END);
        assertTrue(d.init(false));
        IoPageTable ss = d.newSecondStageTable(4);
        ss.map(0x1000, 0x9000_0000L, 0x1000, Permissions.READ | Permissions.WRITE, false);
        ss.map(0x20_0000, 0xA000_0000L, 1 << 21, Permissions.READ, false);
        ss.map(0x4000_0000L, 0xC000_0000L, 1 << 30, Permissions.READ | Permissions.WRITE, false);
        d.attachLegacy(0x0010, 7, ss, false);
        assertEquals(0x9000_0123L, pa(u.translate(TranslationRequest.of(0x10, 0x1123, Access.WRITE)), 0x1123));
        assertEquals(0xA001_2345L, pa(u.translate(TranslationRequest.of(0x10, 0x21_2345, Access.READ)), 0x21_2345));
        assertEquals(0xC123_4567L, pa(u.translate(TranslationRequest.of(0x10, 0x4123_4567L, Access.READ)),
                0x4123_4567L));
        assertEquals(0x9000_0123L, ss.iovaToPhys(0x1123));
        assertEquals(0xA001_2345L, ss.iovaToPhys(0x21_2345));
        Fault f = (Fault) u.translate(TranslationRequest.of(0x10, 0x21_2345, Access.WRITE));
        assertEquals(0x5, f.code());

        assertEquals(0x1000, ss.unmap(0x1000));
        assertEquals(-1, ss.iovaToPhys(0x1000));
        // unmapped but not invalidated: the IOTLB still has it
        assertEquals(0x9000_0123L, pa(u.translate(TranslationRequest.of(0x10, 0x1123, Access.READ)), 0x1123));
        assertTrue(d.flushIotlbPages(7, 0x1000, 0));
        assertInstanceOf(Fault.class, u.translate(TranslationRequest.of(0x10, 0x1123, Access.READ)));
        assertTrue(u.statistics().get("invalidations.wait") > 0, "the driver waits on the queue");
        assertEquals(0L, u.mmioRead(0x34, 4) & 0x10, "no queue error");
    }

    @Test
    void legacyPassThrough() {
        VtdIommu u = unit(Presets.DEFAULT);
        VtdDriver d = new VtdDriver(u, REGION, REGION_END);
        assertTrue(d.init(false));
        d.attachLegacy(0x0100, 3, null, true);
        assertEquals(0x1234_5678L, pa(u.translate(TranslationRequest.of(0x100, 0x1234_5678L, Access.WRITE)),
                0x1234_5678L));
    }

    @Test
    void scalableEveryPgtt() {
        VtdIommu u = unit(Presets.DEFAULT);
        VtdDriver d = new VtdDriver(u, REGION, REGION_END);
        assertTrue(d.init(true));
        // first stage, 5-level, user page
        IoPageTable fs = d.newFirstStageTable(5);
        fs.map(0x7000, 0x9100_0000L, 0x1000, Permissions.READ | Permissions.WRITE, true);
        d.setPasidEntry(0x0008, 1, PasidSetup.firstStage(1, fs));
        assertEquals(0x9100_0010L, pa(u.translate(TranslationRequest.withPasid(8, 1, 0x7010, Access.WRITE)), 0x7010));
        // second stage only
        IoPageTable ss = d.newSecondStageTable(3);
        ss.map(0x20_0000, 0x9200_0000L, 1 << 21, Permissions.READ, false);
        d.setPasidEntry(0x0008, 2, PasidSetup.secondStage(2, ss));
        assertEquals(0x9201_0000L, pa(u.translate(TranslationRequest.withPasid(8, 2, 0x21_0000, Access.READ)),
                0x21_0000));
        // nested: guest RAM GPA [0, 16 MiB) is host [0x400_0000, 0x500_0000) via 2 MiB stage-2 pages
        IoPageTable s2 = d.newSecondStageTable(4);
        for (long gpa = 0; gpa < 0x100_0000L; gpa += 1 << 21) {
            s2.map(gpa, 0x400_0000L + gpa, 1 << 21, Permissions.RWX, false);
        }
        long[] guestNext = {0x10_0000};
        IoPageTable s1 = d.newGuestFirstStageTable(4, () -> {
            long f = guestNext[0];
            guestNext[0] += 0x1000;
            return f;
        }, gpa -> gpa + 0x400_0000L);
        s1.map(0x4000_0000L, 0x20_0000, 1 << 21, Permissions.READ | Permissions.WRITE, true);
        d.setPasidEntry(0x0008, 3, PasidSetup.nested(3, s1, s2));
        assertEquals(0x420_1234L, pa(u.translate(TranslationRequest.withPasid(8, 3, 0x4000_1234L, Access.WRITE)),
                0x4000_1234L));
        // pass-through
        d.setPasidEntry(0x0008, 4, PasidSetup.passThrough(4));
        assertEquals(0x5555_5000L, pa(u.translate(TranslationRequest.withPasid(8, 4, 0x5555_5000L, Access.READ)),
                0x5555_5000L));
        // RID_PASID (0) for requests without PASID
        d.setPasidEntry(0x0008, 0, PasidSetup.firstStage(1, fs));
        assertEquals(0x9100_0000L, pa(u.translate(TranslationRequest.of(8, 0x7000, Access.READ)), 0x7000));

        // a first-stage remap is stale until the PASID-based invalidation through the queue
        fs.unmap(0x7000);
        fs.map(0x7000, 0x9300_0000L, 0x1000, Permissions.READ, true);
        assertEquals(0x9100_0000L, pa(u.translate(TranslationRequest.withPasid(8, 1, 0x7000, Access.READ)), 0x7000));
        assertTrue(d.flushPasidIotlbPages(1, 1, 0x7000, 0));
        assertEquals(0x9300_0000L, pa(u.translate(TranslationRequest.withPasid(8, 1, 0x7000, Access.READ)), 0x7000));
        assertTrue(u.statistics().get("invalidations.pasid-iotlb") > 0);
        assertTrue(u.statistics().get("invalidations.pasid-cache") > 0);
    }

    /** QEMU reports no PASID support and no RID_PASID: each device translates with PASID 0 only. */
    @Test
    void qemuPresetRefusesNestingButRunsFirstStage() {
        VtdIommu u = unit(Presets.QEMU);
        VtdDriver d = new VtdDriver(u, REGION, REGION_END);
        assertTrue(d.init(true));
        IoPageTable fs = d.newFirstStageTable(4);
        fs.map(0x1000, 0x8000_0000L, 0x1000, Permissions.READ | Permissions.WRITE, true);
        d.setPasidEntry(0x0008, 0, PasidSetup.firstStage(1, fs));
        // no snooped walks on this unit: the driver set A and D itself, so a write needs no update
        assertEquals(0x8000_0000L, pa(u.translate(TranslationRequest.of(8, 0x1000, Access.WRITE)), 0x1000));
        assertEquals(0x45, ((Fault) u.translate(TranslationRequest.withPasid(8, 1, 0x1000, Access.READ))).code(),
                "a request with a PASID meets PASIDE=0 (SCT.6)");
        d.setPasidEntry(0x0010, 0, new PasidSetup(org.iommusim.vtd.pasid.Pgtt.NESTED, 2, fs, null, false, false,
                false, false));
        assertEquals(0x5B, ((Fault) u.translate(TranslationRequest.of(0x10, 0x1000, Access.READ))).code());
    }

    @Test
    void legacyOnlyPresetHasNoScalableMode() {
        VtdDriver d = new VtdDriver(unit(Presets.ICE_LAKE_SP), REGION, REGION_END);
        assertFalse(d.init(true));
    }
}
