package org.iommusim.vtd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.iommusim.core.request.Access;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.vtd.fault.FaultReason;
import org.junit.jupiter.api.Test;

/** The scenario scripts keep covering what the model does; the IOTLB hit path stays allocation-free. */
class CoverageTest {
    static String allScenarios() throws IOException, URISyntaxException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.list(ScenarioTest.scenarioDir())) {
            for (Path p : s.sorted().toList()) {
                sb.append(Files.readString(p).toLowerCase(Locale.ROOT)).append('\n');
            }
        }
        return sb.toString();
    }

    @Test
    void everyFaultReasonHasAScenario() throws IOException, URISyntaxException {
        String all = allScenarios();
        List<String> missing = new ArrayList<>();
        for (FaultReason r : FaultReason.values()) {
            String word = "reason=0x" + Integer.toHexString(r.code());
            if (!all.contains(word + " ") && !all.contains(word + "\n")) {
                missing.add(r + " " + word);
            }
        }
        assertTrue(missing.isEmpty(), "fault reasons without a scenario: " + missing);
    }

    @Test
    void legacyIotlbHitAllocatesNothing() throws Exception {
        assertHitsAllocateNothing(UnitTest.legacyExample(Map.of()), TranslationRequest.of(8, 0x1234, Access.READ));
    }

    @Test
    void nestedIotlbHitAllocatesNothing() {
        VtdIommu u = new VtdIommu(new org.iommusim.core.memory.PhysicalMemory(), org.iommusim.vtd.preset.Presets.DEFAULT);
        org.iommusim.vtd.driver.VtdDriver d = new org.iommusim.vtd.driver.VtdDriver(u, 0x100_0000L, 0x800_0000L);
        assertTrue(d.init(true));
        org.iommusim.vtd.driver.IoPageTable s2 = d.newSecondStageTable(4);
        s2.map(0, 0x400_0000L, 1 << 21, org.iommusim.core.request.Permissions.RWX, false);
        long[] next = {0x1000};
        org.iommusim.vtd.driver.IoPageTable s1 = d.newGuestFirstStageTable(4, () -> {
            long f = next[0];
            next[0] += 0x1000;
            return f;
        }, gpa -> gpa + 0x400_0000L);
        s1.map(0x7000, 0x10_0000, 0x1000, org.iommusim.core.request.Permissions.READ, true);
        d.setPasidEntry(8, 9, org.iommusim.vtd.driver.PasidSetup.nested(2, s1, s2));
        assertHitsAllocateNothing(u, TranslationRequest.withPasid(8, 9, 0x7008, Access.READ));
    }

    @Test
    void firstStageAndSecondStageIotlbHitsAllocateNothing() {
        VtdIommu u = new VtdIommu(new org.iommusim.core.memory.PhysicalMemory(), org.iommusim.vtd.preset.Presets.DEFAULT);
        org.iommusim.vtd.driver.VtdDriver d = new org.iommusim.vtd.driver.VtdDriver(u, 0x100_0000L, 0x800_0000L);
        assertTrue(d.init(true));
        org.iommusim.vtd.driver.IoPageTable fs = d.newFirstStageTable(5);
        fs.map(0x7000, 0x10_0000, 0x1000, org.iommusim.core.request.Permissions.READ, true);
        d.setPasidEntry(8, 3, org.iommusim.vtd.driver.PasidSetup.firstStage(2, fs));
        assertHitsAllocateNothing(u, TranslationRequest.withPasid(8, 3, 0x7008, Access.READ));
        org.iommusim.vtd.driver.IoPageTable ss = d.newSecondStageTable(3);
        ss.map(0x20_0000, 0x40_0000, 1 << 21, org.iommusim.core.request.Permissions.READ, false);
        d.setPasidEntry(8, 4, org.iommusim.vtd.driver.PasidSetup.secondStage(3, ss));
        assertHitsAllocateNothing(u, TranslationRequest.withPasid(8, 4, 0x20_0008, Access.READ));
    }

    private static void assertHitsAllocateNothing(VtdIommu u, TranslationRequest r) {
        assertTrue(u.translate(r).ok());
        for (int i = 0; i < 20_000; i++) {
            u.translate(r); // warm up (and let the JIT settle)
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) {
            u.translate(r);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertTrue(allocated < 100_000, "100000 IOTLB hits allocated " + allocated + " bytes");
    }
}
