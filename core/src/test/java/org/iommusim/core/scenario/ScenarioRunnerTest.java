package org.iommusim.core.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.iommusim.core.iommu.MachineKinds;
import org.iommusim.core.testing.ToyMachine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ScenarioRunnerTest {
    /** A toy machine with page 0x1234_5000 -> 0x8000_0000 mapped, translation enabled. */
    static final String SETUP = """
            machine toy
            mem write64 0x1000 0x2001          # level 4[0] -> 0x2000
            mem write64 0x2000 0x3001          # level 3[0] -> 0x3000
            mem write64 0x3488 0x4001          # level 2[0x91] -> 0x4000
            mem write64 0x4a28 0x8000_0003     # level 1[0x145] -> 0x80000000 (leaf)
            mmio write64 0x0 0x1000
            mmio write32 0x8 1
            """;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void register() {
        MachineKinds.register(ToyMachine.KIND);
    }

    @AfterAll
    static void unregister() {
        MachineKinds.unregister("toy");
    }

    private int run(String script, ScenarioRunner.Format format) {
        ScenarioRunner r = new ScenarioRunner(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), format, false);
        return r.run("t.ios", script);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void passingScriptExitsZeroQuietly() {
        int rc = run(SETUP + """
                translate sid=8 iova=0x12345678 access=read
                expect ok pa=0x80000678
                translate sid=8 iova=0x12345678 access=exec
                expect fault reason=3 stage=1
                translate sid=8 iova=0x9_0000_0000 access=write
                expect fault reason=0x2
                mem read64 0x4a28
                expect value=0x80000003
                mmio read32 0x8
                expect value=1
                dma write sid=8 iova=0x12345ffe data=0102
                expect ok pa=0x80000ffe
                dma read sid=8 iova=0x12345ffe len=2
                expect data=0102
                expect ok
                """, ScenarioRunner.Format.TEXT);
        assertEquals(ScenarioRunner.PASSED, rc, out());
        assertEquals("", out());
    }

    @Test
    void failedExpectExitsOneAndTheRunGoesOn() {
        int rc = run(SETUP + """
                translate sid=8 iova=0x12345678 access=read
                expect ok pa=0x80000999
                expect fault
                mem read32 0x4a28
                expect value=0x80000004
                """, ScenarioRunner.Format.TEXT);
        assertEquals(ScenarioRunner.FAILED, rc);
        String[] lines = out().split("\n");
        assertEquals(3, lines.length, out());
        assertEquals("t.ios:9: expected ok pa=0x80000999 got ok pa=0x80000678 size=0x1000 perm=rw", lines[0]);
        assertTrue(lines[1].startsWith("t.ios:10: expected fault got ok"), lines[1]);
        assertEquals("t.ios:12: expected value=0x80000004 got value=0x80000003", lines[2]);
    }

    @Test
    void malformedLineExitsTwoWithItsNumberAndNothingAfterRuns() {
        int rc = run(SETUP + """
                translate sid=8 iova=0x12345678 access=read
                expect ok pa=0x1
                frobnicate 1 2
                expect ok pa=0x2
                """, ScenarioRunner.Format.TEXT);
        assertEquals(ScenarioRunner.MALFORMED, rc);
        String o = out();
        assertTrue(o.contains("t.ios:9: expected ok pa=0x1"), o);
        assertTrue(o.contains("t.ios:10: unknown command 'frobnicate'"), o);
        assertFalse(o.contains("t.ios:11"), "nothing after the malformed line runs");
    }

    @Test
    void everyKindOfMalformedLineIsReportedNotThrown() {
        String[] bad = {
            "mem write64 0 1",                                     // before machine
            "machine",                                             // no kind
            "machine nosuchkind",
            "machine toy bogus=1",
            "machine toy\nmem write64 0x1000",                     // no value
            "machine toy\nmem write32 0 0x1_0000_0000",            // too wide
            "machine toy\nmem write64 0xzz 1",
            "machine toy\nmem write64 0x1_0000_0000_0000_0000 1",  // beyond 64 bits
            "machine toy\nmem read64 0xFFFF_FFFF_FFFF_FFF8",       // beyond memory
            "machine toy\nmmio write32 0 1 2",
            "machine toy\ntranslate iova=0 access=read",           // no sid
            "machine toy\ntranslate sid=1 iova=0 access=fly",
            "machine toy\ntranslate sid=1 iova=0 access=read pasid=0x100000",
            "machine toy\ntranslate sid=1 iova=0 access=read bogus",
            "machine toy\ndma read sid=1 iova=0 len=0x200000",
            "machine toy\ndma write sid=1 iova=0 data=123",
            "machine toy\nexpect ok",                              // nothing to check
            "machine toy\nmem read64 0\nexpect maybe",
            "machine toy\nmem read64 0\nexpect fault stage=3",
            "# only a comment",
        };
        for (String script : bad) {
            out.reset();
            int rc = run(script, ScenarioRunner.Format.TEXT);
            assertEquals(ScenarioRunner.MALFORMED, rc, script + " -> " + out());
            assertTrue(out().matches("(?s)t\\.ios:\\d+: .+"), out());
            assertFalse(out().contains("internal error"), out());
        }
    }

    @Test
    void commentsBlankLinesAndUnderscores() {
        int rc = run("""
                # a comment line

                machine toy   # trailing comment
                mem write64 0x8000_0000 1_000
                mem read64 0x80000000
                expect value=1000
                """, ScenarioRunner.Format.TEXT);
        assertEquals(ScenarioRunner.PASSED, rc, out());
    }

    @Test
    void jsonOutputHasOneObjectPerResultAndPerFailedExpect() {
        int rc = run(SETUP + """
                translate sid=8 iova=0x12345678 access=read
                translate sid=8 iova=0 access=read
                expect fault reason=0x6 stage=2
                """, ScenarioRunner.Format.JSON);
        assertEquals(ScenarioRunner.FAILED, rc);
        String[] lines = out().split("\n");
        assertEquals(3, lines.length, out());
        assertEquals("{\"line\":8,\"op\":\"translate\",\"ok\":true,\"pa\":\"0x80000678\",\"size\":\"0x1000\","
                + "\"perm\":\"rw\"}", lines[0]);
        assertTrue(lines[1].startsWith("{\"line\":9,\"op\":\"translate\",\"ok\":false,\"reason\":\"0x2\",\"stage\":1"),
                lines[1]);
        assertEquals("{\"line\":10,\"op\":\"expect\",\"ok\":false,\"expected\":\"fault reason=0x6 stage=2\","
                + "\"got\":\"fault reason=0x2 stage=1 name=NOT_PRESENT level=2 addr=0x0\"}", lines[2]);
    }

    @Test
    void machineLineStartsAFreshMachine() {
        int rc = run(SETUP + """
                machine toy
                translate sid=8 iova=0x12345678 access=read
                expect fault reason=1
                mem read64 0x4a28
                expect value=0
                """, ScenarioRunner.Format.TEXT);
        assertEquals(ScenarioRunner.PASSED, rc, out());
    }

    @Test
    void translatedFlagReachesTheModelOnTranslateAndDma() {
        // The toy refuses translated requests (fault 4) until CTRL bit 1; then it passes them through.
        int rc = run(SETUP + """
                translate sid=8 iova=0x12345678 access=read translated
                expect fault reason=4
                dma read sid=8 iova=0x12345678 len=4 translated
                expect fault reason=4
                dma write sid=8 translated iova=0x12345678 data=01
                expect fault reason=4
                mmio write32 0x8 3
                translate sid=8 iova=0x12345678 access=read translated
                expect ok pa=0x12345678
                translate sid=8 iova=0x12345678 access=read
                expect ok pa=0x80000678
                dma write sid=8 iova=0x4ffe translated data=a1b2c3d4
                expect ok pa=0x4ffe
                dma read sid=8 iova=0x4ffe len=4 translated priv
                expect data=a1b2c3d4
                mem read32 0x5000
                expect value=0xd4c3
                """, ScenarioRunner.Format.TEXT);
        assertEquals(ScenarioRunner.PASSED, rc, out());
    }

    @Test
    void translatedIsABareFlagOnly() {
        for (String script : new String[] {
            "machine toy\ntranslate sid=1 iova=0 access=read translated=1",
            "machine toy\ndma read sid=1 iova=0 len=1 translated=yes",
            "machine toy\nmem read64 0 translated",
        }) {
            out.reset();
            assertEquals(ScenarioRunner.MALFORMED, run(script, ScenarioRunner.Format.TEXT), script + " -> " + out());
        }
    }
}
