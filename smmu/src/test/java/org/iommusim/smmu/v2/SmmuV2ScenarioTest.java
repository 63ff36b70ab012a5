package org.iommusim.smmu.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.iommusim.core.scenario.ScenarioRunner;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Runs every {@code scenarios/smmuv2/*.ios} script: each must exit 0. */
class SmmuV2ScenarioTest {
    private static Path directory() throws URISyntaxException {
        return Path.of(SmmuV2ScenarioTest.class.getResource("/scenarios/smmuv2").toURI());
    }

    private static List<Path> scripts() throws IOException, URISyntaxException {
        try (Stream<Path> s = Files.list(directory())) {
            return s.filter(p -> p.toString().endsWith(".ios")).sorted().toList();
        }
    }

    private static int run(String name, String text, ByteArrayOutputStream out) {
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        return new ScenarioRunner(ps, ps, ScenarioRunner.Format.TEXT, true).run(name, text);
    }

    @TestFactory
    Stream<DynamicTest> everyScriptPasses() throws IOException, URISyntaxException {
        List<Path> scripts = scripts();
        assertFalse(scripts.isEmpty());
        return scripts.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int rc = run(p.toString(), Files.readString(p), out);
            assertEquals(ScenarioRunner.PASSED, rc, out.toString(StandardCharsets.UTF_8));
        }));
    }

    @Test
    void everyScriptSaysWhatItShows() throws IOException, URISyntaxException {
        for (Path p : scripts()) {
            String header = Files.readAllLines(p).stream().takeWhile(l -> l.startsWith("#"))
                    .reduce("", (a, b) -> a + " " + b);
            assertTrue(header.contains("IHI 0062"), p + " must open with a comment citing IHI 0062");
        }
    }

    @Test
    void aWrongExpectationFails() throws IOException, URISyntaxException {
        for (Path p : scripts()) {
            String text = Files.readString(p);
            if (!text.contains("expect ok pa=")) {
                continue;
            }
            // Every expected output address shifted by a page: the script must now fail.
            String broken = text.replaceAll("expect ok pa=0x([0-9a-fA-F_]+)", "expect ok pa=0x$1000");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(ScenarioRunner.FAILED, run(p.toString(), broken, out), p.toString());
        }
    }

    @Test
    void aWrongFaultReasonFails() {
        String script = "machine smmuv2\n"
                + "mmio write32 0x0 0x402   # sCR0: GFRE, USFCFG, CLIENTPD clear\n"
                + "translate sid=5 iova=0x1000 access=read\n"
                + "expect fault reason=0x101\n"      // holds: USF
                + "expect fault reason=0x1\n";       // fails: it is no context fault
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(ScenarioRunner.FAILED, run("usf", script, out), out.toString(StandardCharsets.UTF_8));
    }
}
