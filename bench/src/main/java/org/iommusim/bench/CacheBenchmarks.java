package org.iommusim.bench;

import java.util.concurrent.TimeUnit;

import org.iommusim.core.cache.CacheConfig;
import org.iommusim.core.cache.TranslationCache;
import org.iommusim.core.request.Permissions;
import org.iommusim.core.request.TranslationResult;
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

/** The generic translation cache on its own: a hit on the same key distribution as {@code FloorBenchmarks.mapGet}. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CacheBenchmarks {
    private TranslationCache<TranslationResult> cache;
    private long[] keys;
    private int next;

    @Setup
    public void setup() {
        cache = new TranslationCache<>("iotlb", CacheConfig.of(4096, 8));
        keys = Workload.hitPageNumbers();
        for (int i = 0; i < keys.length; i++) {
            cache.fill(keys[i], 7, new TranslationResult((long) i << 12, 4096, Permissions.READ, 0));
        }
    }

    @Benchmark
    public TranslationResult hit() {
        return cache.lookup(keys[next++ & (FloorBenchmarks.KEYS - 1)], 7);
    }
}
