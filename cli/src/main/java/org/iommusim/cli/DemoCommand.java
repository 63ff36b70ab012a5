package org.iommusim.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

import org.iommusim.core.iommu.MachineKinds;
import org.iommusim.core.scenario.ScenarioRunner;
import picocli.CommandLine.Command;

/** {@code iommusim demo}: runs the built-in example scripts, printing each line's result. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the built-in example scenarios, showing every command's result.")
final class DemoCommand implements Callable<Integer> {
    @picocli.CommandLine.Option(names = "--vendor", paramLabel = "vtd|smmuv3|smmuv2|all",
            description = "Only that vendor's demos (default: all).")
    String vendor = "all";

    /** Built-in demos: resource name, machine kind it needs, what it shows. */
    record Demo(String resource, String kind, String title) {
    }

    static final List<Demo> DEMOS = List.of(
            new Demo("demo/vtd-legacy.ios", "vtd",
                    "Intel VT-d, legacy mode: root and context tables, a 4-level second-stage walk, a write fault"),
            new Demo("demo/vtd-nested.ios", "vtd",
                    "Intel VT-d, scalable mode: a PASID entry with PGTT=nested, first stage over second stage"),
            new Demo("demo/vtd-frontend.ios", "vtd",
                    "The VFIO front end on VT-d: a VM's RAM mapped, a PASID, a guest first stage bound, a remap seen after CACHE_INVLD"),
            new Demo("demo/smmuv3-s1.ios", "smmuv3",
                    "Arm SMMUv3: stream table, STE, CD, a stage-1 walk and an F_TRANSLATION event"),
            new Demo("demo/smmuv2-nested.ios", "smmuv2",
                    "Arm SMMUv2: stream matching and a stage-1 context bank nested over a stage-2 bank"));

    @Override
    public Integer call() throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        int worst = 0;
        int ran = 0;
        if (!vendor.equals("all") && DEMOS.stream().noneMatch(d -> d.kind().equals(vendor))) {
            System.err.println("iommusim demo: --vendor must be vtd, smmuv3, smmuv2 or all, not '" + vendor + "'");
            return 2;
        }
        for (Demo d : DEMOS) {
            if (!vendor.equals("all") && !vendor.equals(d.kind()) || MachineKinds.find(d.kind()).isEmpty()) {
                continue;
            }
            String script;
            try (InputStream in = DemoCommand.class.getClassLoader().getResourceAsStream(d.resource())) {
                if (in == null) {
                    continue;
                }
                script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            out.println("== " + d.title());
            out.println("   (" + d.resource() + "; run your own with: iommusim run FILE.ios)");
            for (String line : script.split("\n")) {
                out.println("   | " + line);
            }
            out.println("   results:");
            int rc = new ScenarioRunner(out, System.err, ScenarioRunner.Format.TEXT, true).run(d.resource(), script);
            out.println();
            worst = Math.max(worst, rc);
            ran++;
        }
        if (ran == 0) {
            out.println("No demo can run: this build has no machine kinds ("
                    + String.join(", ", MachineKinds.all().keySet()) + ").");
            return 1;
        }
        return worst;
    }
}
