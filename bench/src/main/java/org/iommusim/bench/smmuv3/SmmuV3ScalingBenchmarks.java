package org.iommusim.bench.smmuv3;

import java.util.concurrent.TimeUnit;

import org.iommusim.bench.Cycle;
import org.iommusim.bench.Workload;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Translation;
import org.iommusim.smmu.v3.cache.CacheSizes;
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

/**
 * The SMMUv3 TLB-hit and cold-walk benchmarks as the machine grows: 1 Ki, 64 Ki and 1 Mi mapped 4 KiB pages
 * (one CD), and 1 or 64 Ki SubstreamIDs (CDs) configured (4 Ki pages, the requests spread over 16 of them).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SmmuV3ScalingBenchmarks {
    static final int ACTIVE_SSIDS = 16;

    @State(Scope.Thread)
    public static class PagesHit {
        @Param({"1024", "65536", "1048576"})
        int pages;
        SmmuV3Machine machine;
        Cycle requests;

        @Setup
        public void setup() {
            machine = new SmmuV3Machine(SmmuV3Machine.Shape.STAGE1_4, CacheSizes.DEFAULT, pages, 4096, 1);
            requests = new Cycle(machine.requests(Workload.distinctPages(pages, Workload.HIT_PAGES, 11), 1,
                    Access.READ));
            Workload.requireHits(machine.smmu, requests.all());
        }
    }

    @State(Scope.Thread)
    public static class PagesCold {
        @Param({"1024", "65536", "1048576"})
        int pages;
        SmmuV3Machine machine;
        Cycle requests;

        @Setup
        public void setup() {
            machine = new SmmuV3Machine(SmmuV3Machine.Shape.STAGE1_4, SmmuV3Machine.coldCaches(), pages, 4096, 1);
            requests = new Cycle(machine.requests(Workload.randomPages(pages, Workload.WALK_REQUESTS, 12), 1,
                    Access.READ));
            Workload.requireWalkReferences(machine.smmu, requests.all(), 4);
        }
    }

    @State(Scope.Thread)
    public static class SsidsHit {
        @Param({"1", "65536"})
        int ssids;
        SmmuV3Machine machine;
        Cycle requests;

        @Setup
        public void setup() {
            machine = new SmmuV3Machine(SmmuV3Machine.Shape.STAGE1_4, CacheSizes.DEFAULT, Workload.MAPPED_PAGES,
                    4096, ssids);
            requests = new Cycle(machine.requests(Workload.distinctPages(Workload.MAPPED_PAGES, Workload.HIT_PAGES,
                    11), ACTIVE_SSIDS, Access.READ));
            Workload.requireHits(machine.smmu, requests.all());
        }
    }

    @State(Scope.Thread)
    public static class SsidsCold {
        @Param({"1", "65536"})
        int ssids;
        SmmuV3Machine machine;
        Cycle requests;

        @Setup
        public void setup() {
            machine = new SmmuV3Machine(SmmuV3Machine.Shape.STAGE1_4, SmmuV3Machine.coldCaches(), Workload.MAPPED_PAGES,
                    4096, ssids);
            requests = new Cycle(machine.requests(Workload.randomPages(Workload.MAPPED_PAGES, Workload.WALK_REQUESTS,
                    12), ACTIVE_SSIDS, Access.READ));
            Workload.requireWalkReferences(machine.smmu, requests.all(), 4);
            Workload.requireNoConfigFetches(machine.smmu, requests.all());
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

    @Benchmark
    public Translation hitBySsids(SsidsHit s) {
        return s.machine.smmu.translate(s.requests.next());
    }

    @Benchmark
    public Translation coldWalkBySsids(SsidsCold s) {
        return s.machine.smmu.translate(s.requests.next());
    }
}
