package org.iommusim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.iommusim.core.bits.Numbers;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.trace.TraceFile;
import org.iommusim.core.trace.Workloads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code iommusim trace gen} and {@code iommusim trace replay}: synthetic traces, replays and sweeps. */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = "Generate DMA traces, and replay them through a machine (with parameter sweeps and charts).",
        subcommands = {TraceCommand.Gen.class, TraceReplayCommand.class})
final class TraceCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code trace gen}: writes a trace in the text format of docs/scenarios.md's trace section. */
    @Command(name = "gen", mixinStandardHelpOptions = true,
            description = {"Write a synthetic trace: one request per line ('sid=N [pasid=N] iova=N access=A').",
                    "Workloads: stream (pages in order, again and again), random (uniform pages), ring (a ring of",
                    "buffers swept --passes times, writes then reads), zipf (--zipf-s skew), strided (every --stride-th page)."})
    static final class Gen implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--workload", required = true, paramLabel = "stream|random|ring|zipf|strided")
        String workload;

        @Option(names = "--pages", defaultValue = "256", description = "Distinct 4 KiB pages (default ${DEFAULT-VALUE}).")
        int pages;

        @Option(names = "--count", defaultValue = "10000", description = "Requests (not for ring; default ${DEFAULT-VALUE}).")
        int count;

        @Option(names = "--passes", defaultValue = "4", description = "Ring passes (default ${DEFAULT-VALUE}).")
        int passes;

        @Option(names = "--stride", defaultValue = "17", description = "Strided: pages between requests (default ${DEFAULT-VALUE}).")
        int stride;

        @Option(names = "--zipf-s", defaultValue = "1.0", description = "Zipf exponent (default ${DEFAULT-VALUE}).")
        double zipfS;

        @Option(names = "--sid", defaultValue = "0", description = "Requester ID / StreamID (default ${DEFAULT-VALUE}).")
        String sid;

        @Option(names = "--pasid", description = "PASID / SubstreamID (none by default).")
        String pasid;

        @Option(names = "--base", defaultValue = "0", description = "First IOVA (default ${DEFAULT-VALUE}).")
        String base;

        @Option(names = "--seed", defaultValue = "1", description = "Seed of random and zipf (default ${DEFAULT-VALUE}).")
        long seed;

        @Parameters(paramLabel = "OUT", description = "The trace file to write.")
        Path out;

        @Override
        public Integer call() throws IOException {
            PrintWriter err = spec.commandLine().getErr();
            TranslationRequest[] trace;
            try {
                trace = generate();
            } catch (IllegalArgumentException | ArithmeticException e) {
                err.println("iommusim trace gen: " + e.getMessage());
                return 2;
            }
            StringBuilder sb = new StringBuilder("# iommusim trace gen --workload " + workload + "\n");
            for (TranslationRequest r : trace) {
                sb.append(TraceFile.format(r)).append('\n');
            }
            Files.writeString(out, sb, StandardCharsets.UTF_8);
            spec.commandLine().getOut().println("wrote " + trace.length + " requests to " + out);
            spec.commandLine().getOut().flush();
            return 0;
        }

        private TranslationRequest[] generate() {
            if (pages <= 0 || count <= 0 || passes <= 0 || stride <= 0 || (long) count * passes > 10_000_000L) {
                throw new IllegalArgumentException("--pages, --count, --passes and --stride must be positive (at most 10^7 requests)");
            }
            int s = (int) Numbers.parseUnsigned(sid);
            int p = pasid == null ? TranslationRequest.NO_PASID : (int) Numbers.parseUnsigned(pasid);
            if (pasid != null && (p < 0 || p > TranslationRequest.MAX_PASID)) {
                throw new IllegalArgumentException("--pasid must fit in 20 bits");
            }
            long b = Numbers.parseUnsigned(base);
            return switch (workload) {
                case "stream" -> Workloads.stream(s, p, b, pages, count);
                case "random" -> Workloads.random(s, p, b, pages, count, seed);
                case "ring" -> Workloads.ringBuffer(s, p, b, pages, passes);
                case "zipf" -> Workloads.zipf(s, p, b, pages, count, zipfS, seed);
                case "strided" -> Workloads.strided(s, p, b, pages, count, stride);
                default -> throw new IllegalArgumentException("unknown workload '" + workload
                        + "' (stream, random, ring, zipf, strided)");
            };
        }
    }

    /** The numbers a replay reports, in the order tables and charts show them. */
    static Map<String, Object> row(String parameter, Object value, org.iommusim.core.trace.ReplayResult r,
                                   Map<String, Long> stats) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (parameter != null) {
            m.put(parameter, value);
        }
        m.put("translations", r.translations());
        m.put("faults", r.faults());
        m.put("walkReferencesPerTranslation", round(r.walkReferencesPerTranslation()));
        m.put("walksPerThousand", round(r.walksPerThousand()));
        List<String> caches = new ArrayList<>();
        for (String k : stats.keySet()) {
            if (k.endsWith(".hits") && stats.containsKey(k.replace(".hits", ".misses"))) {
                caches.add(k.substring(0, k.length() - 5));
            }
        }
        for (String c : caches) {
            long hits = stats.get(c + ".hits");
            long lookups = hits + stats.get(c + ".misses");
            m.put(c + ".hitRate", lookups == 0 ? 0.0 : round((double) hits / lookups));
        }
        return m;
    }

    static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
