package org.iommusim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path dir;

    private Path script(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void helpAndVersionExitZero() {
        assertEquals(0, Main.execute("--help"));
        assertEquals(0, Main.execute("--version"));
        assertEquals(0, Main.execute("run", "--help"));
    }

    @Test
    void runGivesTheWorstExitStatusOfItsScripts() throws IOException {
        Path malformed = script("m.ios", "mem write64 0 0\n");
        Path missing = dir.resolve("does-not-exist.ios");
        assertEquals(2, Main.execute("run", malformed.toString()));
        assertEquals(2, Main.execute("run", missing.toString()), "an unreadable script is malformed");
        assertEquals(2, Main.execute("run", "--json", malformed.toString()));
    }

    /** Runs the command line with standard output captured. */
    private static String output(int[] status, String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            status[0] = Main.execute(args);
        } finally {
            System.setOut(saved);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void demoRunsOneVendorsToursOrRefusesAnUnknownVendor() {
        int[] rc = new int[1];
        String out = output(rc, "demo", "--vendor", "vtd");
        assertEquals(0, rc[0], out);
        assertTrue(out.contains("The VFIO front end on VT-d") && out.contains("demo/vtd-frontend.ios: 25 commands, 6 expects, 0 failed"), out);
        assertTrue(!out.contains("Arm SMMUv3"), "only VT-d's demos");
        assertTrue(out.contains("the walk of vtd: sid 0x8 pasid 5 iova 0x70001234 read, cold (13 memory references"), out);
        assertTrue(java.nio.file.Files.exists(java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "iommusim-demo",
                "vtd-nested-walk.svg")), "the demo says where it wrote its pictures, and wrote them");
        output(rc, "demo", "--vendor", "nosuchvendor");
        assertEquals(2, rc[0]);
    }

    @Test
    void helpListsEveryCommand() {
        int[] rc = new int[1];
        String out = output(rc, "--help");
        for (String c : new String[] {"run", "caps", "demo", "explain", "replay"}) {
            assertTrue(out.contains("  " + c + " "), c + " in --help");
        }
    }

    @Test
    void capsPrintsTheRawRegistersOfAPreset() {
        int[] rc = new int[1];
        String out = output(rc, "caps", "smmuv2", "--preset", "mmu500");
        assertEquals(0, rc[0]);
        assertTrue(out.contains("IDR0                     0xfc013e40"), out);
        assertTrue(out.contains("IDR1.NUMCB"), out);
        output(rc, "caps", "vtd", "--preset", "nosuchpreset");
        assertEquals(2, rc[0]);
    }

    @Test
    void replayRunsAWorkloadOnTheMachineASetupScriptBuilt() {
        // The setup maps IOVA page 0x12345000 read-only for requester 0x0008, nothing else.
        int[] rc = new int[1];
        String out = output(rc, "replay", "src/test/resources/scenarios/vtd/fault-recording.ios",
                "--ring", "4,2", "--sid", "8", "--base", "0x12345000");
        assertEquals(0, rc[0], out);
        // Pass 0 writes: all 4 pages fault (read-only, then 3 unmapped); pass 1 reads: the 3 unmapped fault.
        assertTrue(out.startsWith("translations 8, faults 7,"), out);
        output(rc, "replay", "src/test/resources/scenarios/vtd/fault-recording.ios", "--ring", "0,1");
        assertEquals(2, rc[0], "an empty workload is a usage error");
    }

    @Test
    void replayReadsTranslatedRequestsFromATraceFile() throws IOException {
        // Legacy context entries with TT=00b: the untranslated read of the mapped page is remapped; the
        // same reads marked translated are refused (fault reason 0xD), never reaching the page tables.
        Path trace = script("t.trace", "sid=0x8 iova=0x12345678 access=read\n"
                + "sid=0x8 iova=0x12345678 access=read translated\n"
                + "translated sid=0x8 iova=0x12345000 access=read\n");
        int[] rc = new int[1];
        String out = output(rc, "replay", "src/test/resources/scenarios/vtd/fault-recording.ios",
                "--trace", trace.toString());
        assertEquals(0, rc[0], out);
        assertTrue(out.startsWith("translations 3, faults 2,"), out);
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertEquals(2, Main.execute("run"));
        assertEquals(2, Main.execute("frobnicate"));
        assertEquals(2, Main.execute("caps", "nosuchkind"));
    }
}
