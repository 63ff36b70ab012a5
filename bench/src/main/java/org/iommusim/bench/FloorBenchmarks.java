package org.iommusim.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.eclipse.collections.impl.map.mutable.primitive.LongLongHashMap;
import org.iommusim.core.memory.AccessPurpose;
import org.iommusim.core.memory.PhysicalMemory;
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
 * The floors translation costs are measured against: the cheapest possible primitive-keyed lookup
 * (on the page numbers the IOTLB-hit benchmarks use), and the cheapest possible chain of 24 dependent
 * loads (a 4-over-4 nested walk's reference count). {@link #memoryChase24} is the same chain through the
 * simulator's {@link PhysicalMemory}: what 24 walk references cost before any decoding or checking.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FloorBenchmarks {
    static final int KEYS = Workload.HIT_PAGES;

    private final LongLongHashMap map = new LongLongHashMap();
    private long[] keys;
    private int next;

    /** 24 chains through memory laid out like nested walk tables: each load's value is the next index. */
    private long[] chain;

    /** Where {@link #memoryChase24} keeps its tables: as the vendor machines place host and guest tables. */
    static final long MEMORY_HOST_TABLES = 0x100_0000L;
    static final long MEMORY_GUEST_TABLES = 0x1_0010_0000L;
    private final PhysicalMemory memory = new PhysicalMemory();
    private long memoryCursor;

    @Setup
    public void setup() {
        SplittableRandom rnd = new SplittableRandom(1);
        // the page numbers the vendor IOTLB-hit benchmarks translate, in the same order
        keys = Workload.hitPageNumbers();
        for (int i = 0; i < KEYS; i++) {
            map.put(keys[i], i);
        }
        // 24 tables of 512 entries; entry p[t] in table t holds the index of p[t+1] in table t+1.
        chain = new long[24 * 512];
        int[] p = new int[24];
        for (int t = 0; t < 24; t++) {
            p[t] = t * 512 + rnd.nextInt(512);
        }
        for (int t = 0; t < 24; t++) {
            chain[p[t]] = p[(t + 1) % 24];
        }
        cursor = p[0];
        // the same chain as host-physical entries: 12 tables in a driver's region, 12 in guest RAM at 4 GiB
        long[] entry = new long[24];
        for (int t = 0; t < 24; t++) {
            long table = (t % 2 == 0 ? MEMORY_HOST_TABLES : MEMORY_GUEST_TABLES)
                    + (long) (t / 2) * PhysicalMemory.FRAME_SIZE;
            entry[t] = table + Long.BYTES * (p[t] - t * 512L);
        }
        for (int t = 0; t < 24; t++) {
            memory.write64(entry[t], entry[(t + 1) % 24]);
        }
        memoryCursor = entry[0];
    }

    /** {@link #chase24} through {@link PhysicalMemory#readEntry}, counted as page-walk references. */
    @Benchmark
    public long memoryChase24() {
        long a = memoryCursor;
        for (int n = 0; n < 24; n++) {
            a = memory.readEntry(a, AccessPurpose.PAGE_WALK);
        }
        memoryCursor = a;
        return a;
    }

    /**
     * Where the last chase ended. Each chase starts there, so consecutive invocations depend on each
     * other and the processor cannot overlap them: the score is the latency of 24 loads, not throughput.
     */
    private long cursor;

    @Benchmark
    public long mapGet() {
        long k = keys[next++ & (KEYS - 1)];
        return map.get(k);
    }

    @Benchmark
    public long chase24() {
        long i = cursor;
        for (int n = 0; n < 24; n++) {
            i = chain[(int) i];
        }
        cursor = i;
        return i;
    }
}
