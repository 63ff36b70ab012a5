package org.iommusim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.iommusim.core.iommu.MachineKinds;
import org.iommusim.core.scenario.ScenarioRunner;
import org.iommusim.testkit.Scenarios;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every example script in the build passes: the demos the CLI ships and the conformance scripts under
 * {@code src/test/resources/scenarios}, which were written from the specifications, not from the code.
 */
class ScenarioExamplesTest {
    static final Path SCENARIOS = Path.of("src/test/resources/scenarios");

    @Test
    void everyMachineKindOfTheSpecificationIsInTheBuild() {
        assertEquals(List.of("smmuv2", "smmuv3", "vtd"), List.copyOf(MachineKinds.all().keySet()));
    }

    @TestFactory
    Stream<DynamicTest> conformanceScriptsPass() {
        List<Path> scripts = Scenarios.scripts(SCENARIOS);
        assertFalse(scripts.isEmpty(), "no scripts under " + SCENARIOS.toAbsolutePath());
        return scripts.stream().map(p -> DynamicTest.dynamicTest(SCENARIOS.relativize(p).toString(),
                () -> Scenarios.assertPasses(p)));
    }

    @TestFactory
    Stream<DynamicTest> demoScriptsPass() {
        return DemoCommand.DEMOS.stream().map(d -> DynamicTest.dynamicTest(d.resource(), () -> {
            String script;
            try (InputStream in = getClass().getClassLoader().getResourceAsStream(d.resource())) {
                assertTrue(in != null, "missing " + d.resource());
                script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
            int rc = new ScenarioRunner(ps, ps, ScenarioRunner.Format.TEXT, false).run(d.resource(), script);
            assertEquals(ScenarioRunner.PASSED, rc, out.toString(StandardCharsets.UTF_8));
        }));
    }

    @Test
    void demoCommandRunsEveryDemo() {
        assertEquals(0, Main.execute("demo"));
    }
}
