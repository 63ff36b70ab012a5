package org.iommusim.vtd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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

/** Runs every {@code scenarios/vtd/*.ios} script through the core ScenarioRunner: each must pass. */
class ScenarioTest {
    static Path scenarioDir() throws URISyntaxException {
        return Path.of(ScenarioTest.class.getResource("/scenarios/vtd").toURI());
    }

    static int run(String name, String script, StringBuilder output) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        int rc = new ScenarioRunner(ps, ps, ScenarioRunner.Format.TEXT, false).run(name, script);
        output.append(out.toString(StandardCharsets.UTF_8));
        return rc;
    }

    @TestFactory
    Stream<DynamicTest> everyScenarioPasses() throws IOException, URISyntaxException {
        List<Path> files;
        try (Stream<Path> s = Files.list(scenarioDir())) {
            files = s.filter(p -> p.toString().endsWith(".ios")).sorted().toList();
        }
        assertFalse(files.isEmpty());
        return files.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            StringBuilder out = new StringBuilder();
            int rc = run(p.toString(), Files.readString(p), out);
            assertEquals(ScenarioRunner.PASSED, rc, out.toString());
        }));
    }

    @Test
    void aWrongExpectationFails() throws IOException, URISyntaxException {
        String script = Files.readString(scenarioDir().resolve("legacy-example.ios"))
                .replace("expect ok pa=0x80000678", "expect ok pa=0x80000679");
        StringBuilder out = new StringBuilder();
        assertEquals(ScenarioRunner.FAILED, run("wrong.ios", script, out));
        String wrongReason = Files.readString(scenarioDir().resolve("legacy-example.ios"))
                .replace("expect fault reason=0x5", "expect fault reason=0x6");
        assertEquals(ScenarioRunner.FAILED, run("wrong.ios", wrongReason, new StringBuilder()));
    }

    @Test
    void unknownPresetIsMalformed() {
        assertEquals(ScenarioRunner.MALFORMED, run("bad.ios", "machine vtd preset=nosuch\n", new StringBuilder()));
        assertEquals(ScenarioRunner.MALFORMED, run("bad.ios", "machine vtd frobnicate=1\n", new StringBuilder()));
    }
}
