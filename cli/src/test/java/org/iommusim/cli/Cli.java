package org.iommusim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;

import picocli.CommandLine;

/** Runs the command line in-process, asserting its exit status; returns what it printed (out, err). */
final class Cli {
    private Cli() {
    }

    static String[] run(int status, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        assertEquals(status, cl.execute(args), () -> String.join(" ", args) + "\n" + out + err);
        return new String[] {out.toString(), err.toString()};
    }
}
