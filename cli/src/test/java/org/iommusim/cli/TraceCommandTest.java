package org.iommusim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.iommusim.core.trace.TraceFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code iommusim trace gen / replay}: traces written and read back, a sweep equal to separate replays. */
class TraceCommandTest {
    static final String SETUP = Path.of("..", "docs", "examples", "vtd-vfio-setup.ios").toString();

    @TempDir
    Path dir;

    static String run(int status, String... args) {
        return Cli.run(status, args)[0];
    }

    Path gen(String workload, String... more) throws Exception {
        Path t = dir.resolve(workload + ".trace");
        String[] base = {"trace", "gen", "--workload", workload, "--pages", "256", "--count", "5000", "--sid", "0x10",
                t.toString()};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(more))
                .toArray(String[]::new);
        run(0, args);
        return t;
    }

    @Test
    void everyWorkloadWritesATraceThatReadsBack() throws Exception {
        for (String w : new String[] {"stream", "random", "zipf", "strided"}) {
            assertEquals(5000, TraceFile.parse(Files.readString(gen(w))).length, w);
        }
        assertEquals(256 * 4, TraceFile.parse(Files.readString(gen("ring"))).length, "ring: pages x passes");
        run(2, "trace", "gen", "--workload", "nosuch", dir.resolve("x").toString());
        run(2, "trace", "gen", "--workload", "random", "--pages", "0", dir.resolve("x").toString());
    }

    @Test
    void aSweepEqualsSeparateReplaysOfItsPoints() throws Exception {
        Path t = gen("zipf");
        Path html = dir.resolve("sweep.html");
        String sweep = run(0, "trace", "replay", t.toString(), "--setup", SETUP, "--sweep", "iotlb-entries=16,64,256",
                "--json", "--html", html.toString());
        for (String entries : new String[] {"16", "64", "256"}) {
            String one = run(0, "trace", "replay", t.toString(), "--setup", SETUP, "--iotlb-entries", entries, "--json")
                    .strip();
            String point = "{\"iotlb-entries\":" + entries + "," + one.substring(1);
            assertTrue(sweep.contains(point), "sweep point " + entries + ": " + point + "\n" + sweep);
        }
        String page = Files.readString(html);
        assertEquals(2, page.split("class=\"chart\"").length - 1, "hit rate and references per translation");
        assertEquals(6, page.split("class=\"point\"").length - 1, "three points per chart");
        String text = run(0, "trace", "replay", t.toString(), "--setup", SETUP, "--sweep", "iotlb-entries=16,256");
        String[] lines = text.strip().split("\n");
        double small = Double.parseDouble(lines[1].trim().split("\\s+")[5]);
        double large = Double.parseDouble(lines[2].trim().split("\\s+")[5]);
        assertTrue(large > small, "a larger IOTLB hits more often: " + text);
    }

    @Test
    void badUsageIsExitTwo() throws Exception {
        Path t = gen("random");
        run(2, "trace", "replay", t.toString(), "--setup", SETUP, "--sweep", "banana=1");
        run(2, "trace", "replay", dir.resolve("missing").toString(), "--setup", SETUP);
        Path v3 = dir.resolve("v3.ios");
        Files.writeString(v3, "machine smmuv3\n");
        run(2, "trace", "replay", t.toString(), "--setup", v3.toString(), "--iotlb-entries", "16");
    }
}
