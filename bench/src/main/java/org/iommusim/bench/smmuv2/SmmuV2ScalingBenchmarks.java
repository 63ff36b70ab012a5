package org.iommusim.bench.smmuv2;

import java.util.concurrent.TimeUnit;

import org.iommusim.bench.Cycle;
import org.iommusim.bench.Workload;
import org.iommusim.core.cache.CacheConfig;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Translation;
import org.iommusim.smmu.v2.SmmuV2Config;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The SMMUv2 TLB-hit and cold-walk benchmarks with 1 Ki, 64 Ki and 1 Mi 4 KiB pages mapped (SMMUv2 has no substreams). */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SmmuV2ScalingBenchmarks {

    @State(Scope.Thread)
    public static class PagesHit {
        @Param({"1024", "65536", "1048576"})
        int pages;
        SmmuV2Machine machine;
        Cycle requests;

        @Setup
        public void setup() {
            machine = new SmmuV2Machine(SmmuV2Machine.Shape.STAGE1_4, SmmuV2Config.DEFAULT_TLB, pages, 4096);
            requests = new Cycle(machine.requests(Workload.distinctPages(pages, Workload.HIT_PAGES, 11), Access.READ));
            Workload.requireHits(machine.smmu, requests.all());
        }
    }

    @State(Scope.Thread)
    public static class PagesCold {
        @Param({"1024", "65536", "1048576"})
        int pages;
        SmmuV2Machine machine;
        Cycle requests;

        @Setup
        public void setup() {
            machine = new SmmuV2Machine(SmmuV2Machine.Shape.STAGE1_4, CacheConfig.disabled(), pages, 4096);
            requests = new Cycle(machine.requests(Workload.randomPages(pages, Workload.WALK_REQUESTS, 12),
                    Access.READ));
            Workload.requireWalkReferences(machine.smmu, requests.all(), 4);
        }
    }

    @Benchmark
    public Translation hitByPages(PagesHit s) {
        return s.machine.smmu.translate(s.requests.next());
    }

    @Benchmark
    public Translation coldWalkByPages(PagesCold s) {
        return s.machine.smmu.translate(s.requests.next());
    }
}
