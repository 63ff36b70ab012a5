package org.iommusim.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Fault;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.walk.WalkTrace;
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

    /** Built-in demos: resource name, machine kind it needs, what it shows, and the walk it pictures. */
    record Demo(String resource, String kind, String title, TranslationRequest walk) {
    }

    static final List<Demo> DEMOS = List.of(
            new Demo("demo/vtd-legacy.ios", "vtd",
                    "Intel VT-d, legacy mode: root and context tables, a 4-level second-stage walk, a write fault",
                    TranslationRequest.of(0x0008, 0x12345678L, Access.READ)),
            new Demo("demo/vtd-nested.ios", "vtd",
                    "Intel VT-d, scalable mode: a PASID entry with PGTT=nested, first stage over second stage",
                    TranslationRequest.withPasid(0x0008, 5, 0x70001234L, Access.READ)),
            new Demo("demo/vtd-frontend.ios", "vtd",
                    "The VFIO front end on VT-d: a VM's RAM mapped, a PASID, a guest first stage bound, a remap seen after CACHE_INVLD",
                    TranslationRequest.withPasid(0x10, 1, 0x7f1234567000L, Access.READ)),
            new Demo("demo/smmuv3-s1.ios", "smmuv3",
                    "Arm SMMUv3: stream table, STE, CD, a stage-1 walk and an F_TRANSLATION event",
                    TranslationRequest.of(3, 0x12345678L, Access.READ)),
            new Demo("demo/smmuv2-nested.ios", "smmuv2",
                    "Arm SMMUv2: stream matching and a stage-1 context bank nested over a stage-2 bank",
                    TranslationRequest.of(0x42, 0x12345678L, Access.READ)));

    /** Where the pictures go: a folder of the system's temporary directory. */
    final Path pictures = Path.of(System.getProperty("java.io.tmpdir"), "iommusim-demo");

    /**
     * The tour's first walk, cold: the script's lines before its first translation on a fresh machine,
     * then the walk traced, printed as the grid and written as SVG and HTML.
     */
    private void picture(PrintStream out, Demo d, String script) throws IOException {
        int cut = script.indexOf("\ntranslate ");
        String setup = cut < 0 ? script : script.substring(0, cut + 1);
        ScenarioRunner runner = new ScenarioRunner(new PrintStream(OutputStream.nullOutputStream()),
                new PrintStream(OutputStream.nullOutputStream()), ScenarioRunner.Format.TEXT, false);
        if (runner.run(d.resource(), setup) != ScenarioRunner.PASSED || runner.machine().isEmpty()) {
            return;
        }
        Iommu iommu = runner.machine().get();
        WalkTrace.Recorder recorder = new WalkTrace.Recorder();
        iommu.setWalkTrace(recorder);
        Translation t = iommu.translate(d.walk());
        iommu.setWalkTrace(WalkTrace.NONE);
        ExplainCommand.Explanation x = new ExplainCommand.Explanation(d.kind(), d.walk(), t, recorder.references());
        Files.createDirectories(pictures);
        String name = d.resource().replace("demo/", "").replace(".ios", "");
        String svg = GridSvg.of(x.grid(), x.title(), t instanceof Fault);
        Files.writeString(pictures.resolve(name + "-walk.svg"), svg, StandardCharsets.UTF_8);
        Files.writeString(pictures.resolve(name + "-walk.html"), x.html(svg), StandardCharsets.UTF_8);
        out.println("   the walk of " + x.title() + ", cold (" + recorder.count() + " memory references; "
                + "numbers in the order the hardware made them, '..' = answered by a cache):");
        out.print(ExplainCommand.Explanation.grid(x.grid()).replaceAll("(?m)^", "   "));
        out.println("   picture: " + pictures.resolve(name + "-walk.svg"));
    }

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
            picture(out, d, script);
            out.println();
            worst = Math.max(worst, rc);
            ran++;
        }
        if (ran > 0) {
            out.println("Pictures of each tour's first walk (cold, made again from its setup): " + pictures);
            out.println("Explain a translation of your own: iommusim explain --help; the tutorial is docs/tutorial.md.");
        }
        if (ran == 0) {
            out.println("No demo can run: this build has no machine kinds ("
                    + String.join(", ", MachineKinds.all().keySet()) + ").");
            return 1;
        }
        return worst;
    }
}
