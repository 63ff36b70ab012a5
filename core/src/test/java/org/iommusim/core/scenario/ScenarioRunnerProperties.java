package org.iommusim.core.scenario;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.iommusim.core.iommu.MachineKinds;
import org.iommusim.core.testing.ToyMachine;

/** Whatever a script says, the runner answers 0, 1 or 2 and never fails inside. */
class ScenarioRunnerProperties {
    @BeforeContainer
    static void register() {
        MachineKinds.register(ToyMachine.KIND);
    }

    @AfterContainer
    static void unregister() {
        MachineKinds.unregister("toy");
    }

    @Provide
    Arbitrary<List<String>> lines() {
        Arbitrary<String> word = Arbitraries.oneOf(
                Arbitraries.of("machine", "toy", "mem", "mmio", "write64", "write32", "read64", "read32",
                        "translate", "dma", "read", "write", "expect", "ok", "fault", "priv", "#", "sid=1",
                        "iova=0x12345678", "access=read", "access=exec", "len=8", "data=00ff", "pa=0x80000678",
                        "value=1", "reason=2", "stage=1", "0x1000", "0x0", "8", "0x2001", "0xffffffffffffffff"),
                Arbitraries.strings().ofMaxLength(12));
        Arbitrary<String> line = word.list().ofMaxSize(7).map(ws -> String.join(" ", ws));
        return line.list().ofMaxSize(25);
    }

    @Property(tries = 500)
    void anyScriptGetsAnExitStatusAndNoInternalError(@ForAll("lines") List<String> lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ScenarioRunner r = new ScenarioRunner(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8), ScenarioRunner.Format.TEXT, true);
        int rc = r.run("p.ios", "machine toy\n" + String.join("\n", lines));
        assertTrue(rc >= 0 && rc <= 2);
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("internal error"), out::toString);
    }
}
