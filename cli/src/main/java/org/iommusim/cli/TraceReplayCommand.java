package org.iommusim.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.scenario.ScenarioRunner;
import org.iommusim.core.trace.ReplayResult;
import org.iommusim.core.trace.TraceFile;
import org.iommusim.core.trace.TraceReplayer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code iommusim trace replay}: a trace through a machine a setup script built, with the IOTLB sized
 * from the command line; {@code --sweep} replays it once per value, each in a fresh machine, and prints
 * (and charts) the hit rates, page-walk references per translation and walks per thousand requests.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replay a trace through a machine a setup script built; with --sweep, once per value.",
                "IOTLB options map to the machine's own (vtd: iotlb, iotlb_ways, cache_policy; smmuv2:",
                "tlb_entries, tlb_ways, tlb_policy); the smmuv3 model has no TLB size option.",
                "Exit status: 0 replayed, 2 bad usage or a setup that does not run."})
final class TraceReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TRACE", description = "The trace file (see 'trace gen').")
    Path trace;

    @Option(names = "--setup", required = true, paramLabel = "FILE.ios", description = "The script that sets the machine up.")
    Path setup;

    @Option(names = "--iotlb-entries", paramLabel = "N")
    Integer entries;

    @Option(names = "--iotlb-ways", paramLabel = "N")
    Integer ways;

    @Option(names = "--policy", paramLabel = "lru|fifo|random")
    String policy;

    @Option(names = "--sweep", paramLabel = "iotlb-entries=16,32,...|iotlb-ways=...", description = "Replay once per value.")
    String sweep;

    @Option(names = "--html", paramLabel = "OUT.html", description = "A report with charts (needs --sweep) or the one point.")
    Path html;

    @Option(names = "--json", description = "Print the results as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            TranslationRequest[] requests = TraceFile.parse(Files.readString(trace, StandardCharsets.UTF_8));
            String script = Files.readString(setup, StandardCharsets.UTF_8);
            String parameter = null;
            List<String> values = new ArrayList<>(List.of(""));
            if (sweep != null) {
                String[] kv = sweep.split("=", 2);
                if (kv.length != 2 || !kv[0].equals("iotlb-entries") && !kv[0].equals("iotlb-ways") || kv[1].isEmpty()) {
                    throw new IllegalArgumentException("--sweep takes iotlb-entries=N,N,... or iotlb-ways=N,N,...");
                }
                parameter = kv[0];
                values = List.of(kv[1].split(","));
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String v : values) {
                Integer e = "iotlb-entries".equals(parameter) ? Integer.valueOf(v) : entries;
                Integer w = "iotlb-ways".equals(parameter) ? Integer.valueOf(v) : ways;
                Iommu iommu = machine(script, e, w);
                ReplayResult r = TraceReplayer.replay(iommu, requests);
                rows.add(TraceCommand.row(parameter, parameter == null ? null : Integer.valueOf(v), r, iommu.statistics()));
            }
            if (json) {
                out.println(JsonText.of(parameter == null ? rows.get(0) : rows));
            } else {
                out.print(SweepReport.table(rows));
            }
            if (html != null) {
                Files.writeString(html, SweepReport.html(trace.getFileName().toString(), parameter, rows),
                        StandardCharsets.UTF_8);
                if (!json) {
                    out.println("report: " + html);
                }
            }
            out.flush();
            return 0;
        } catch (IllegalArgumentException | IOException e) {
            err.println("iommusim trace replay: " + e.getMessage());
            return 2;
        }
    }

    /** A fresh machine from the setup, its 'machine' line given the IOTLB options. */
    private Iommu machine(String script, Integer e, Integer w) {
        String kind = null;
        StringBuilder sb = new StringBuilder();
        for (String line : script.split("\n", -1)) {
            String bare = line.replaceAll("#.*", "").trim();
            if (kind == null && bare.startsWith("machine ")) {
                kind = bare.split("\\s+")[1];
                line = bare + options(kind, e, w);
            }
            sb.append(line).append('\n');
        }
        if (kind == null) {
            throw new IllegalArgumentException("the setup has no 'machine' line");
        }
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        ScenarioRunner runner = new ScenarioRunner(ps, ps, ScenarioRunner.Format.TEXT, false);
        int rc = runner.run(setup.toString(), sb.toString());
        if (rc != ScenarioRunner.PASSED) {
            throw new IllegalArgumentException("the setup did not run cleanly (status " + rc + "): "
                    + buffer.toString(StandardCharsets.UTF_8).strip());
        }
        return runner.machine().orElseThrow();
    }

    private String options(String kind, Integer e, Integer w) {
        Map<String, String> names = switch (kind) {
            case "vtd" -> Map.of("entries", "iotlb", "ways", "iotlb_ways", "policy", "cache_policy");
            case "smmuv2" -> Map.of("entries", "tlb_entries", "ways", "tlb_ways", "policy", "tlb_policy");
            default -> Map.of();
        };
        Map<String, Object> given = new LinkedHashMap<>();
        if (e != null) {
            given.put("entries", e);
        }
        if (w != null) {
            given.put("ways", w);
        }
        if (policy != null) {
            given.put("policy", policy);
        }
        if (!given.isEmpty() && names.isEmpty()) {
            throw new IllegalArgumentException("the " + kind + " model has no IOTLB size or policy option");
        }
        StringBuilder sb = new StringBuilder();
        given.forEach((k, v) -> sb.append(' ').append(names.get(k)).append('=').append(v));
        return sb.toString();
    }
}
