package org.iommusim.bench.smmuv3;

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
import org.iommusim.smmu.v3.cache.CacheSizes;
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
 * The Arm SMMUv3 model's translation path (see docs/performance.md for what each benchmark measures
 * and how its caches are made cold or warm). Every machine is built by {@link SmmuV3Machine} through the
 * host driver, and every setup checks that its requests hit or walk as the benchmark's name says.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SmmuV3Benchmarks {
    static final int RING_PAGES = 256;
    static final int RING_PASSES = 8;
    static final int RING_REQUESTS = RING_PAGES * RING_PASSES;
    static final int RANDOM_REQUESTS = 4096;

    /** TLB hits on 4 KiB stage-1 pages. */
    @State(Scope.Thread)
    public static class Hit4k {
        SmmuV3Machine machine;
        Cycle requests;

        @Setup
        public void setup() {
            machine = new SmmuV3Machine(SmmuV3Machine.Shape.STAGE1_4, CacheSizes.DEFAULT, Workload.MAPPED_PAGES,
                    4096, 1);
            requests = new Cycle(machine.requests(Workload.distinctPages(Workload.MAPPED_PAGES, Workload.HIT_PAGES,
                    11), 1, Access.READ));
            Workload.requireHits(machine.smmu, requests.all());
        }
    }

    /** TLB hits on 2 MiB stage-1 blocks. */
    @State(Scope.Thread)
    public static class Hit2m {
        SmmuV3Machine machine;
        Cycle requests;

        @Setup
        public void setup() {
            machine = new SmmuV3Machine(SmmuV3Machine.Shape.STAGE1_4, CacheSizes.DEFAULT, Workload.MAPPED_PAGES,
                    1 << 21, 1);
            requests = new Cycle(machine.requests(Workload.distinctPages(Workload.MAPPED_PAGES, Workload.HIT_PAGES,
                    11), 1, Access.READ));
            Workload.requireHits(machine.smmu, requests.all());
        }
    }

    /** Translations with the TLB, walk caches and IPA cache disabled: every one is a full walk. */
    public abstract static class Cold {
        SmmuV3Machine machine;
        Cycle requests;

        void build(SmmuV3Machine.Shape shape) {
            machine = new SmmuV3Machine(shape, SmmuV3Machine.coldCaches(), Workload.MAPPED_PAGES, 4096, 1);
            requests = new Cycle(machine.requests(Workload.randomPages(Workload.MAPPED_PAGES,
                    Workload.WALK_REQUESTS, 12), 1, Access.READ));
            Workload.requireWalkReferences(machine.smmu, requests.all(), machine.coldWalkReferences());
        }
    }

    @State(Scope.Thread)
    public static class ColdFirstStage extends Cold {
        @Setup
        public void setup() {
            build(SmmuV3Machine.Shape.STAGE1_4);
        }
    }

    @State(Scope.Thread)
    public static class ColdNested4 extends Cold {
        @Setup
        public void setup() {
            build(SmmuV3Machine.Shape.NESTED_4_OVER_4);
        }
    }

    /** Nested 4 over 4 with the TLB off and walk or IPA caches on: the hit working set walks warm. */
    public abstract static class WarmNested {
        SmmuV3Machine machine;
        Cycle requests;

        void build(boolean walkCaches) {
            machine = new SmmuV3Machine(SmmuV3Machine.Shape.NESTED_4_OVER_4, SmmuV3Machine.warmWalk(walkCaches),
                    Workload.MAPPED_PAGES, 4096, 1);
            requests = new Cycle(machine.requests(Workload.distinctPages(Workload.MAPPED_PAGES, Workload.HIT_PAGES,
                    11), 1, Access.READ));
            System.out.printf("%n(page-walk references per translation, warm: %.2f)%n",
                    Workload.walkReferencesPerRequest(machine.smmu, requests.all()));
        }
    }

    /** Stage-1 and stage-2 walk caches warm, IPA cache off. */
    @State(Scope.Thread)
    public static class NestedWalkCachesWarm extends WarmNested {
        @Setup
        public void setup() {
            build(true);
        }
    }

    /** Stage-2 IPA (leaf) cache warm, walk caches off. */
    @State(Scope.Thread)
    public static class NestedIpaCacheWarm extends WarmNested {
        @Setup
        public void setup() {
            build(false);
        }
    }

    /** Nested 4 over 4 with every cache on, for the hardware way of making a walk cold: invalidate first. */
    @State(Scope.Thread)
    public static class NestedCached {
        SmmuV3Machine machine;
        Cycle requests;

        @Setup
        public void setup() {
            machine = new SmmuV3Machine(SmmuV3Machine.Shape.NESTED_4_OVER_4, CacheSizes.DEFAULT, Workload.MAPPED_PAGES,
                    4096, 1);
            requests = new Cycle(machine.requests(Workload.randomPages(Workload.MAPPED_PAGES,
                    Workload.WALK_REQUESTS, 12), 1, Access.READ));
            Workload.references(machine.smmu, requests.all());
        }
    }

    /** Every cache on: DMA, invalidation and trace replay. */
    @State(Scope.Thread)
    public static class Cached {
        SmmuV3Machine machine;
        Cycle hits;
        DmaEngine dma;
        long[] pageIovas;
        int nextPage;
        TranslationRequest[] ring;
        TranslationRequest[] random;

        @Setup
        public void setup() {
            machine = new SmmuV3Machine(SmmuV3Machine.Shape.STAGE1_4, CacheSizes.DEFAULT, Workload.MAPPED_PAGES,
                    4096, 1);
            hits = new Cycle(machine.requests(Workload.distinctPages(Workload.MAPPED_PAGES, Workload.HIT_PAGES, 11),
                    1, Access.READ));
            Workload.requireHits(machine.smmu, hits.all());
            dma = new DmaEngine(machine.smmu);
            pageIovas = new long[Workload.HIT_PAGES];
            for (int i = 0; i < pageIovas.length; i++) {
                pageIovas[i] = hits.all()[i].iova() & ~0xFFFL;
            }
            ring = Workloads.ringBuffer(SmmuV3Machine.SID, TranslationRequest.NO_PASID, Workload.IOVA_BASE, RING_PAGES, RING_PASSES);
            random = Workloads.random(SmmuV3Machine.SID, TranslationRequest.NO_PASID, Workload.IOVA_BASE, Workload.MAPPED_PAGES, RANDOM_REQUESTS, 5);
            Workload.references(machine.smmu, ring);
            Workload.references(machine.smmu, random);
            System.out.printf("%n(page-walk references per request, warm: ring %.2f, random %.2f)%n",
                    TraceReplayer.replay(machine.smmu, ring).walkReferencesPerTranslation(),
                    TraceReplayer.replay(machine.smmu, random).walkReferencesPerTranslation());
        }

        long nextPage() {
            return pageIovas[nextPage++ & (Workload.HIT_PAGES - 1)];
        }
    }

    // ---- TLB hits ----

    @Benchmark
    public Translation tlbHit4k(Hit4k s) {
        return s.machine.smmu.translate(s.requests.next());
    }

    @Benchmark
    public Translation tlbHit2m(Hit2m s) {
        return s.machine.smmu.translate(s.requests.next());
    }

    // ---- cold walks ----

    @Benchmark
    public Translation coldWalkFirstStage4(ColdFirstStage s) {
        return s.machine.smmu.translate(s.requests.next());
    }

    @Benchmark
    public Translation coldNested4over4(ColdNested4 s) {
        return s.machine.smmu.translate(s.requests.next());
    }

    /** The hardware way: TLBI_S12_VMALL (TLB, walk and IPA caches of the VMID) and CMD_SYNC, then the translation. */
    @Benchmark
    public Translation coldNested4over4ViaInvalidation(NestedCached s) {
        s.machine.driver.invalidateVmid(SmmuV3Machine.VMID);
        return s.machine.smmu.translate(s.requests.next());
    }

    // ---- warm walks ----

    @Benchmark
    public Translation nested4over4WalkCachesWarm(NestedWalkCachesWarm s) {
        return s.machine.smmu.translate(s.requests.next());
    }

    @Benchmark
    public Translation nested4over4IpaCacheWarm(NestedIpaCacheWarm s) {
        return s.machine.smmu.translate(s.requests.next());
    }

    // ---- DMA ----

    @Benchmark
    public DmaResult dmaRead4k(Cached s) {
        return s.dma.read(SmmuV3Machine.SID, TranslationRequest.NO_PASID, false, s.nextPage(), 4096);
    }

    // ---- invalidation, through the command queue, each ended by CMD_SYNC ----

    @Benchmark
    public void invalidatePage(Cached s) {
        s.machine.driver.invalidateVa(0, 1, s.nextPage(), true);
    }

    @Benchmark
    public void invalidateAsid(Cached s) {
        s.machine.driver.invalidateAsid(0, 1);
    }

    // ---- trace replay (time per request) ----

    @Benchmark
    @OperationsPerInvocation(RING_REQUESTS)
    public ReplayResult replayRing(Cached s) {
        return TraceReplayer.replay(s.machine.smmu, s.ring);
    }

    @Benchmark
    @OperationsPerInvocation(RANDOM_REQUESTS)
    public ReplayResult replayRandom(Cached s) {
        return TraceReplayer.replay(s.machine.smmu, s.random);
    }

    // ---- two threads, each with its own unit ----

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(1)
    public Translation tlbHit4kThroughput1(Hit4k s) {
        return s.machine.smmu.translate(s.requests.next());
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(2)
    public Translation tlbHit4kThroughput2(Hit4k s) {
        return s.machine.smmu.translate(s.requests.next());
    }
}
