package org.iommusim.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code iommusim} command line. */
@Command(name = "iommusim", mixinStandardHelpOptions = true, version = "iommusim 0.1.0-SNAPSHOT",
        description = "A software IOMMU simulator: Intel VT-d, Arm SMMUv3 and SMMUv2 at the register and memory level.",
        subcommands = {RunCommand.class, CapsCommand.class, DemoCommand.class, ExplainCommand.class, TraceCommand.class, ReplayCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit status (used by tests). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("iommusim: internal error: " + ex);
            return 3;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
