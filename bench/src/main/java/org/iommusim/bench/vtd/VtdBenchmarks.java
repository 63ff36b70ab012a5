package org.iommusim.bench.vtd;

import java.util.concurrent.TimeUnit;

import org.iommusim.bench.Cycle;
import org.iommusim.bench.Workload;
import org.iommusim.core.dma.DmaEngine;
import org.iommusim.core.dma.DmaResult;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.trace.ReplayResult;
import org.iommusim.core.trace.TraceReplayer;
import org.iommusim.core.trace.Workloads;
import org.iommusim.vtd.cache.VtdCaches.CacheSizes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Intel VT-d model's translation path (see docs/performance.md for what each benchmark measures
 * and how its caches are made cold or warm). Every machine is built by {@link VtdMachine} through the
 * host driver, and every setup checks that its requests hit or walk as the benchmark's name says.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VtdBenchmarks {
    static final int RING_PAGES = 256;
    static final int RING_PASSES = 8;
    static final int RING_REQUESTS = RING_PAGES * RING_PASSES;
    static final int RANDOM_REQUESTS = 4096;

    /** IOTLB hits on 4 KiB first-stage pages. */
    @State(Scope.Thread)
    public static class Hit4k {
        VtdMachine machine;
        Cycle requests;

        @Setup
        public void setup() {
            machine = new VtdMachine(VtdMachine.Shape.FIRST_STAGE_4, CacheSizes.defaults(), Workload.MAPPED_PAGES,
                    4096, 1);
            requests = new Cycle(machine.requests(Workload.distinctPages(Workload.MAPPED_PAGES, Workload.HIT_PAGES,
                    11), 1, Access.READ));
            Workload.requireHits(machine.iommu, requests.all());
        }
    }

    /** IOTLB hits on 2 MiB first-stage pages. */
    @State(Scope.Thread)
    public static class Hit2m {
        VtdMachine machine;
        Cycle requests;

        @Setup
        public void setup() {
            machine = new VtdMachine(VtdMachine.Shape.FIRST_STAGE_4, CacheSizes.defaults(), Workload.MAPPED_PAGES,
                    1 << 21, 1);
            requests = new Cycle(machine.requests(Workload.distinctPages(Workload.MAPPED_PAGES, Workload.HIT_PAGES,
                    11), 1, Access.READ));
            Workload.requireHits(machine.iommu, requests.all());
        }
    }

    /** Translations with the IOTLB and paging-structure caches disabled: every one is a full walk. */
    public abstract static class Cold {
        VtdMachine machine;
        Cycle requests;

        void build(VtdMachine.Shape shape) {
            machine = new VtdMachine(shape, VtdMachine.coldCaches(), Workload.MAPPED_PAGES, 4096, 1);
            requests = new Cycle(machine.requests(Workload.randomPages(Workload.MAPPED_PAGES,
                    Workload.WALK_REQUESTS, 12), 1, Access.READ));
            Workload.requireWalkReferences(machine.iommu, requests.all(), machine.coldWalkReferences());
        }
    }

    @State(Scope.Thread)
    public static class ColdFirstStage extends Cold {
        @Setup
        public void setup() {
            build(VtdMachine.Shape.FIRST_STAGE_4);
        }
    }

    @State(Scope.Thread)
    public static class ColdNested4 extends Cold {
        @Setup
        public void setup() {
            build(VtdMachine.Shape.NESTED_4_OVER_4);
        }
    }

    @State(Scope.Thread)
    public static class ColdNested5 extends Cold {
        @Setup
        public void setup() {
            build(VtdMachine.Shape.NESTED_5_OVER_5);
        }
    }

    /** Nested 4 over 4 with the IOTLB off and paging-structure caches on: the hit working set walks warm. */
    public abstract static class WarmNested {
        VtdMachine machine;
        Cycle requests;

        void build(boolean firstStagePsc) {
            machine = new VtdMachine(VtdMachine.Shape.NESTED_4_OVER_4, VtdMachine.pscOnly(firstStagePsc),
                    Workload.MAPPED_PAGES, 4096, 1);
            requests = new Cycle(machine.requests(Workload.distinctPages(Workload.MAPPED_PAGES, Workload.HIT_PAGES,
                    11), 1, Access.READ));
            System.out.printf("%n(page-walk references per translation, warm: %.2f)%n",
                    Workload.walkReferencesPerRequest(machine.iommu, requests.all()));
        }
    }

    /** First- and second-stage paging-structure caches warm. */
    @State(Scope.Thread)
    public static class NestedPscWarm extends WarmNested {
        @Setup
        public void setup() {
            build(true);
        }
    }

    /** Only the second-stage paging-structure cache (VT-d has no stage-2 leaf cache). */
    @State(Scope.Thread)
    public static class NestedSecondStagePscWarm extends WarmNested {
        @Setup
        public void setup() {
            build(false);
        }
    }

    /** Nested 4 over 4 with every cache on, for the hardware way of making a walk cold: invalidate first. */
    @State(Scope.Thread)
    public static class NestedCached {
        VtdMachine machine;
        Cycle requests;

        @Setup
        public void setup() {
            machine = new VtdMachine(VtdMachine.Shape.NESTED_4_OVER_4, CacheSizes.defaults(), Workload.MAPPED_PAGES,
                    4096, 1);
            requests = new Cycle(machine.requests(Workload.randomPages(Workload.MAPPED_PAGES,
                    Workload.WALK_REQUESTS, 12), 1, Access.READ));
            Workload.references(machine.iommu, requests.all());
        }
    }

    /** Every cache on: DMA, invalidation and trace replay. */
    @State(Scope.Thread)
    public static class Cached {
        VtdMachine machine;
        Cycle hits;
        DmaEngine dma;
        long[] pageIovas;
        int nextPage;
        TranslationRequest[] ring;
        TranslationRequest[] random;

        @Setup
        public void setup() {
            machine = new VtdMachine(VtdMachine.Shape.FIRST_STAGE_4, CacheSizes.defaults(), Workload.MAPPED_PAGES,
                    4096, 1);
            hits = new Cycle(machine.requests(Workload.distinctPages(Workload.MAPPED_PAGES, Workload.HIT_PAGES, 11),
                    1, Access.READ));
            Workload.requireHits(machine.iommu, hits.all());
            dma = new DmaEngine(machine.iommu);
            pageIovas = new long[Workload.HIT_PAGES];
            for (int i = 0; i < pageIovas.length; i++) {
                pageIovas[i] = hits.all()[i].iova() & ~0xFFFL;
            }
            ring = Workloads.ringBuffer(VtdMachine.SID, 1, Workload.IOVA_BASE, RING_PAGES, RING_PASSES);
            random = Workloads.random(VtdMachine.SID, 1, Workload.IOVA_BASE, Workload.MAPPED_PAGES, RANDOM_REQUESTS, 5);
            Workload.references(machine.iommu, ring);
            Workload.references(machine.iommu, random);
            System.out.printf("%n(page-walk references per request, warm: ring %.2f, random %.2f)%n",
                    TraceReplayer.replay(machine.iommu, ring).walkReferencesPerTranslation(),
                    TraceReplayer.replay(machine.iommu, random).walkReferencesPerTranslation());
        }

        long nextPage() {
            return pageIovas[nextPage++ & (Workload.HIT_PAGES - 1)];
        }
    }

    // ---- IOTLB hits ----

    @Benchmark
    public Translation iotlbHit4k(Hit4k s) {
        return s.machine.iommu.translate(s.requests.next());
    }

    @Benchmark
    public Translation iotlbHit2m(Hit2m s) {
        return s.machine.iommu.translate(s.requests.next());
    }

    // ---- cold walks ----

    @Benchmark
    public Translation coldWalkFirstStage4(ColdFirstStage s) {
        return s.machine.iommu.translate(s.requests.next());
    }

    @Benchmark
    public Translation coldNested4over4(ColdNested4 s) {
        return s.machine.iommu.translate(s.requests.next());
    }

    @Benchmark
    public Translation coldNested5over5(ColdNested5 s) {
        return s.machine.iommu.translate(s.requests.next());
    }

    /**
     * The hardware way: an IOTLB domain-selective invalidation (nested IOTLB entries and the second-stage
     * paging-structure cache) and a PASID-selective one (the first-stage paging-structure cache), each
     * through the queue with a wait descriptor, then the translation.
     */
    @Benchmark
    public Translation coldNested4over4ViaInvalidation(NestedCached s) {
        s.machine.driver.flushIotlbDomain(VtdMachine.DID);
        s.machine.driver.flushPasidIotlb(VtdMachine.DID, 1);
        return s.machine.iommu.translate(s.requests.next());
    }

    // ---- warm walks ----

    @Benchmark
    public Translation nested4over4PscWarm(NestedPscWarm s) {
        return s.machine.iommu.translate(s.requests.next());
    }

    @Benchmark
    public Translation nested4over4SecondStagePscWarm(NestedSecondStagePscWarm s) {
        return s.machine.iommu.translate(s.requests.next());
    }

    // ---- DMA ----

    @Benchmark
    public DmaResult dmaRead4k(Cached s) {
        return s.dma.read(VtdMachine.SID, 1, false, s.nextPage(), 4096);
    }

    // ---- invalidation, through the queue, each ended by a wait descriptor ----

    @Benchmark
    public boolean invalidatePage(Cached s) {
        return s.machine.driver.flushPasidIotlbPages(VtdMachine.DID, 1, s.nextPage(), 0);
    }

    @Benchmark
    public boolean invalidatePasid(Cached s) {
        return s.machine.driver.flushPasidIotlb(VtdMachine.DID, 1);
    }

    @Benchmark
    public boolean invalidateDomain(Cached s) {
        return s.machine.driver.flushIotlbDomain(VtdMachine.DID);
    }

    // ---- trace replay (time per request) ----

    @Benchmark
    @OperationsPerInvocation(RING_REQUESTS)
    public ReplayResult replayRing(Cached s) {
        return TraceReplayer.replay(s.machine.iommu, s.ring);
    }

    @Benchmark
    @OperationsPerInvocation(RANDOM_REQUESTS)
    public ReplayResult replayRandom(Cached s) {
        return TraceReplayer.replay(s.machine.iommu, s.random);
    }

    // ---- two threads, each with its own unit ----

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(1)
    public Translation iotlbHit4kThroughput1(Hit4k s) {
        return s.machine.iommu.translate(s.requests.next());
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(2)
    public Translation iotlbHit4kThroughput2(Hit4k s) {
        return s.machine.iommu.translate(s.requests.next());
    }
}
