package org.iommusim.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.iommusim.core.scenario.ScenarioRunner;

/** JUnit helpers for scenario scripts: run one and assert its exit status, or find every script in a folder. */
public final class Scenarios {
    private Scenarios() {
    }

    /** Runs the script and returns its exit status and its output. */
    public static Run run(Path script) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        int rc = new ScenarioRunner(ps, ps, ScenarioRunner.Format.TEXT, false).run(script);
        return new Run(rc, out.toString(StandardCharsets.UTF_8));
    }

    /** Asserts that every expect in the script holds. */
    public static void assertPasses(Path script) {
        Run r = run(script);
        assertEquals(ScenarioRunner.PASSED, r.exitStatus(), () -> script + " failed:\n" + r.output());
    }

    /** Every {@code .ios} file under {@code folder}, sorted. */
    public static List<Path> scripts(Path folder) {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(p -> p.toString().endsWith(".ios")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A script's exit status and what it printed. */
    public record Run(int exitStatus, String output) {
    }
}
