package org.iommusim.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.walk.NestedWalker;
import org.iommusim.core.walk.RadixFormat;
import org.iommusim.core.walk.RadixTableBuilder;
import org.iommusim.core.walk.StageTwo;
import org.iommusim.core.walk.WalkTrace;
import org.iommusim.core.walk.Walker;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The core walkers with no vendor around them (generic 4-level radix tables, no caches): what a cold
 * one-stage and a cold 4-over-4 nested walk cost in the simulator's own machinery.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WalkBenchmarks {
    static final int PAGES = 1024;
    static final long GUEST_BASE = 1L << 42;

    private final PhysicalMemory memory = new PhysicalMemory();
    private final RadixFormat format = RadixFormat.ofLevels(4);
    private long oneStageRoot;
    private long stage1Root;
    private StageTwo stage2;
    private long[] iovas;
    private int next;

    @Setup
    public void setup() {
        SplittableRandom rnd = new SplittableRandom(3);
        RadixTableBuilder one = new RadixTableBuilder(memory, format, 1L << 44);
        RadixTableBuilder s1 = new RadixTableBuilder(memory, format, 1L << 34, GUEST_BASE);
        RadixTableBuilder s2 = new RadixTableBuilder(memory, format, 1L << 45);
        iovas = new long[PAGES];
        for (int i = 0; i < PAGES; i++) {
            long iova;
            do {
                iova = rnd.nextLong(1L << 36) << 12;
            } while (!one.map(iova, (long) i << 12, 3));
            iovas[i] = iova;
            long gpa = (long) i << 12;
            s1.map(iova, gpa, 3);
            s2.map(gpa, gpa + GUEST_BASE, 3);
        }
        for (long t = s1.arenaStart(); t < s1.arenaEnd(); t += 4096) {
            s2.map(t, t + GUEST_BASE, 3);
        }
        oneStageRoot = one.root();
        stage1Root = s1.root();
        stage2 = StageTwo.walking(memory, format, s2.root());
    }

    @Benchmark
    public long coldWalk4() {
        long iova = iovas[next++ & (PAGES - 1)];
        return Walker.walk(memory, format, oneStageRoot, iova, 1, WalkTrace.NONE).address();
    }

    @Benchmark
    public long coldNestedWalk4over4() {
        long iova = iovas[next++ & (PAGES - 1)];
        return NestedWalker.walk(memory, format, stage1Root, iova, stage2, WalkTrace.NONE).outputAddress();
    }
}
