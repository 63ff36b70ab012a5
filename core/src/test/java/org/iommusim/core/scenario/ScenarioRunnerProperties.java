package org.iommusim.core.scenario;

import static org.iommusim.proptest.Props.gen;
import static org.iommusim.proptest.Props.qt;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import org.iommusim.core.iommu.MachineKinds;
import org.iommusim.core.testing.ToyMachine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Whatever a script says, the runner answers 0, 1 or 2 and never fails inside. */
class ScenarioRunnerProperties {
    @BeforeAll
    static void register() {
        MachineKinds.register(ToyMachine.KIND);
    }

    @AfterAll
    static void unregister() {
        MachineKinds.unregister("toy");
    }

    /** Words of the script language, and values that parse. */
    static final List<String> WORDS = List.of("machine", "toy", "mem", "mmio", "write64", "write32", "read64",
            "read32", "translate", "dma", "read", "write", "expect", "ok", "fault", "priv", "#", "sid=1",
            "iova=0x12345678", "access=read", "access=exec", "len=8", "data=00ff", "pa=0x80000678", "value=1",
            "reason=2", "stage=1", "0x1000", "0x0", "8", "0x2001", "0xffffffffffffffff");

    /** Up to 25 lines of up to 7 words each. */
    static List<String> lines(RandomGenerator r) {
        int n = r.nextInt(0, 26);
        List<String> lines = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int words = r.nextInt(0, 8);
            List<String> line = new ArrayList<>(words);
            for (int w = 0; w < words; w++) {
                line.add(word(r));
            }
            lines.add(String.join(" ", line));
        }
        return lines;
    }

    /** Half the time a word of the language, else any string of up to 12 characters. */
    static String word(RandomGenerator r) {
        return r.nextBoolean() ? WORDS.get(r.nextInt(0, WORDS.size())) : anyString(r);
    }

    /**
     * Up to 12 characters, each half the time ASCII (control characters, spaces, newlines, '=', '#' and
     * digits included), else any UTF-16 unit (lone surrogates included).
     */
    static String anyString(RandomGenerator r) {
        int n = r.nextInt(0, 13);
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append((char) (r.nextBoolean() ? r.nextInt(0, 0x80) : r.nextInt(0, 0x1_0000)));
        }
        return s.toString();
    }

    /**
     * Fails if an unknown command throws a RuntimeException instead of a MalformedScriptException (the
     * runner then reports an internal error).
     */
    @Test
    void anyScriptGetsAnExitStatusAndNoInternalError() {
        qt(500).forAll(gen(ScenarioRunnerProperties::lines))
                .checkAssert(ScenarioRunnerProperties::anyScriptGetsAnExitStatusAndNoInternalError);
    }

    private static void anyScriptGetsAnExitStatusAndNoInternalError(List<String> lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ScenarioRunner r = new ScenarioRunner(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8), ScenarioRunner.Format.TEXT, true);
        int rc = r.run("p.ios", "machine toy\n" + String.join("\n", lines));
        assertTrue(rc >= 0 && rc <= 2);
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("internal error"), out::toString);
    }
}
