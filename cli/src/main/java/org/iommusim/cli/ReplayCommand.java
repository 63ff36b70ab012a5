package org.iommusim.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import org.iommusim.core.bits.Numbers;
import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.scenario.ScenarioRunner;
import org.iommusim.core.trace.ReplayResult;
import org.iommusim.core.trace.TraceFile;
import org.iommusim.core.trace.TraceReplayer;
import org.iommusim.core.trace.Workloads;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code iommusim replay}: a trace of requests through a machine that a scenario script set up. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Set a machine up with a scenario script, then replay a trace of device requests through it",
            "and print what happened: translations, faults, page-walk references per translation, cache statistics."})
final class ReplayCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SETUP.ios", description = "The script that sets the machine up.")
    Path setup;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--trace", paramLabel = "FILE",
                description = "A trace file: one 'sid=N [pasid=N] iova=N access=read|write|exec [priv] [translated]' per line.")
        Path trace;

        @Option(names = "--ring", paramLabel = "PAGES,PASSES", split = ",",
                description = "A ring buffer of PAGES 4 KiB buffers swept PASSES times.")
        int[] ring;

        @Option(names = "--random", paramLabel = "PAGES,COUNT", split = ",",
                description = "COUNT reads of pages drawn uniformly among PAGES (seed --seed).")
        int[] random;
    }

    @Option(names = "--sid", defaultValue = "0", description = "Requester/StreamID of generated requests.")
    String sid;

    @Option(names = "--pasid", description = "PASID/SubstreamID of generated requests (none by default).")
    String pasid;

    @Option(names = "--base", defaultValue = "0", description = "First IOVA of generated requests.")
    String base;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of --random.")
    long seed;

    @Override
    public Integer call() throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        ScenarioRunner runner = new ScenarioRunner(out, System.err, ScenarioRunner.Format.TEXT, false);
        int rc = runner.run(setup);
        if (rc != ScenarioRunner.PASSED || runner.machine().isEmpty()) {
            System.err.println("iommusim replay: the setup script did not pass (status " + rc + ")");
            return Math.max(rc, 1);
        }
        TranslationRequest[] trace;
        try {
            trace = requests();
        } catch (IllegalArgumentException e) {
            System.err.println("iommusim replay: " + e.getMessage());
            return 2;
        }
        Iommu iommu = runner.machine().get();
        ReplayResult r = TraceReplayer.replay(iommu, trace);
        out.printf("translations %d, faults %d, page-walk references %d (%.3f per translation), "
                + "configuration fetches %d, checksum %s%n", r.translations(), r.faults(), r.walkReferences(),
                r.walkReferencesPerTranslation(), r.configReferences(), Numbers.hex(r.checksum()));
        for (Map.Entry<String, Long> e : iommu.statistics().entrySet()) {
            out.printf("  %-36s %d%n", e.getKey(), e.getValue());
        }
        return 0;
    }

    private TranslationRequest[] requests() throws IOException {
        if (source.trace != null) {
            return TraceFile.parse(Files.readString(source.trace, StandardCharsets.UTF_8));
        }
        long s = Numbers.parseUnsigned(sid);
        if (s > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("--sid must fit in 32 bits");
        }
        int p = TranslationRequest.NO_PASID;
        if (pasid != null) {
            long v = Numbers.parseUnsigned(pasid);
            if (v > TranslationRequest.MAX_PASID) {
                throw new IllegalArgumentException("--pasid must fit in 20 bits");
            }
            p = (int) v;
        }
        long b = Numbers.parseUnsigned(base);
        int[] shape = source.ring != null ? source.ring : source.random;
        if (shape.length != 2 || shape[0] <= 0 || shape[1] <= 0 || (long) shape[0] * shape[1] > 100_000_000L) {
            throw new IllegalArgumentException("give two positive numbers (at most 10^8 requests)");
        }
        return source.ring != null
                ? Workloads.ringBuffer((int) s, p, b, shape[0], shape[1])
                : Workloads.random((int) s, p, b, shape[0], shape[1], seed);
    }
}
