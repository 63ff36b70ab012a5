package org.iommusim.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.iommusim.core.scenario.ScenarioRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code iommusim run}: runs scenario scripts (docs/scenarios.md). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run .ios scenario scripts against the simulated hardware.",
            "Exit status: 0 every expect held; 1 an expect failed (the run goes on);",
            "2 a script is malformed (FILE:LINE: message; nothing after that line runs).",
            "With several files, the status is the worst of them."})
final class RunCommand implements Callable<Integer> {
    @Option(names = "--json", description = "One JSON object per result and per failed expect.")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "Print every result, not only failures.")
    boolean verbose;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Scripts to run, in order.")
    List<Path> files;

    @Override
    public Integer call() {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        ScenarioRunner runner = new ScenarioRunner(out, err,
                json ? ScenarioRunner.Format.JSON : ScenarioRunner.Format.TEXT, verbose);
        int worst = ScenarioRunner.PASSED;
        for (Path f : files) {
            worst = Math.max(worst, runner.run(f));
        }
        return worst;
    }
}
