package org.iommusim.bench.vtd;

import java.util.concurrent.TimeUnit;

import org.iommusim.bench.Cycle;
import org.iommusim.bench.Workload;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Translation;
import org.iommusim.vtd.cache.VtdCaches.CacheSizes;
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
 * The VT-d hit and cold-walk benchmarks as the machine grows: 1 Ki, 64 Ki and 1 Mi mapped 4 KiB pages
 * (one PASID), and 1 or 64 Ki PASIDs configured (4 Ki pages, the requests spread over 16 of them).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VtdScalingBenchmarks {
    static final int ACTIVE_PASIDS = 16;

    @State(Scope.Thread)
    public static class PagesHit {
        @Param({"1024", "65536", "1048576"})
        int pages;
        VtdMachine machine;
        Cycle requests;

        @Setup
        public void setup() {
            machine = new VtdMachine(VtdMachine.Shape.FIRST_STAGE_4, CacheSizes.defaults(), pages, 4096, 1);
            requests = new Cycle(machine.requests(Workload.distinctPages(pages, Workload.HIT_PAGES, 11), 1,
                    Access.READ));
            Workload.requireHits(machine.iommu, requests.all());
        }
    }

    @State(Scope.Thread)
    public static class PagesCold {
        @Param({"1024", "65536", "1048576"})
        int pages;
        VtdMachine machine;
        Cycle requests;

        @Setup
        public void setup() {
            machine = new VtdMachine(VtdMachine.Shape.FIRST_STAGE_4, VtdMachine.coldCaches(), pages, 4096, 1);
            requests = new Cycle(machine.requests(Workload.randomPages(pages, Workload.WALK_REQUESTS, 12), 1,
                    Access.READ));
            Workload.requireWalkReferences(machine.iommu, requests.all(), 4);
        }
    }

    @State(Scope.Thread)
    public static class PasidsHit {
        @Param({"1", "65536"})
        int pasids;
        VtdMachine machine;
        Cycle requests;

        @Setup
        public void setup() {
            machine = new VtdMachine(VtdMachine.Shape.FIRST_STAGE_4, CacheSizes.defaults(), Workload.MAPPED_PAGES,
                    4096, pasids);
            requests = new Cycle(machine.requests(Workload.distinctPages(Workload.MAPPED_PAGES, Workload.HIT_PAGES,
                    11), ACTIVE_PASIDS, Access.READ));
            Workload.requireHits(machine.iommu, requests.all());
        }
    }

    @State(Scope.Thread)
    public static class PasidsCold {
        @Param({"1", "65536"})
        int pasids;
        VtdMachine machine;
        Cycle requests;

        @Setup
        public void setup() {
            machine = new VtdMachine(VtdMachine.Shape.FIRST_STAGE_4, VtdMachine.coldCaches(), Workload.MAPPED_PAGES,
                    4096, pasids);
            requests = new Cycle(machine.requests(Workload.randomPages(Workload.MAPPED_PAGES, Workload.WALK_REQUESTS,
                    12), ACTIVE_PASIDS, Access.READ));
            Workload.requireWalkReferences(machine.iommu, requests.all(), 4);
            Workload.requireNoConfigFetches(machine.iommu, requests.all());
        }
    }

    @Benchmark
    public Translation hitByPages(PagesHit s) {
        return s.machine.iommu.translate(s.requests.next());
    }

    @Benchmark
    public Translation coldWalkByPages(PagesCold s) {
        return s.machine.iommu.translate(s.requests.next());
    }

    @Benchmark
    public Translation hitByPasids(PasidsHit s) {
        return s.machine.iommu.translate(s.requests.next());
    }

    @Benchmark
    public Translation coldWalkByPasids(PasidsCold s) {
        return s.machine.iommu.translate(s.requests.next());
    }
}
