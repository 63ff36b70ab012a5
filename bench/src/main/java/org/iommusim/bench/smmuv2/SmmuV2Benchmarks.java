package org.iommusim.bench.smmuv2;

import java.util.concurrent.TimeUnit;

import org.iommusim.bench.Cycle;
import org.iommusim.bench.Workload;
import org.iommusim.core.cache.CacheConfig;
import org.iommusim.core.dma.DmaEngine;
import org.iommusim.core.dma.DmaResult;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.trace.ReplayResult;
import org.iommusim.core.trace.TraceReplayer;
import org.iommusim.core.trace.Workloads;
import org.iommusim.smmu.v2.SmmuV2Config;
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
 * The Arm SMMUv2 model where the benchmarks of issue 6 apply: TLB hits, cold stage-1 and nested walks
 * (TLB disabled; SMMUv2 has no walk caches to warm), DMA, a page-selective TLBIVA with its TLBSYNC,
 * trace replay and two threads. Machines come from {@link SmmuV2Machine}, built through the host driver.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SmmuV2Benchmarks {

    static final int RING_PAGES = 256;
    static final int RING_PASSES = 8;
    static final int RING_REQUESTS = RING_PAGES * RING_PASSES;
    static final int RANDOM_REQUESTS = 4096;

    public abstract static class Hits {
        SmmuV2Machine machine;
        Cycle requests;
        DmaEngine dma;
        TranslationRequest[] ring;
        TranslationRequest[] random;

        void build(long pageSize, boolean traces) {
            machine = new SmmuV2Machine(SmmuV2Machine.Shape.STAGE1_4, SmmuV2Config.DEFAULT_TLB,
                    Workload.MAPPED_PAGES, pageSize);
            requests = new Cycle(machine.requests(Workload.distinctPages(Workload.MAPPED_PAGES, Workload.HIT_PAGES,
                    11), Access.READ));
            dma = new DmaEngine(machine.smmu);
            ring = Workloads.ringBuffer(SmmuV2Machine.SID, TranslationRequest.NO_PASID, Workload.IOVA_BASE, RING_PAGES,
                    RING_PASSES);
            random = Workloads.random(SmmuV2Machine.SID, TranslationRequest.NO_PASID, Workload.IOVA_BASE,
                    Workload.MAPPED_PAGES, RANDOM_REQUESTS, 5);
            if (traces) {
                Workload.references(machine.smmu, ring);
                Workload.references(machine.smmu, random);
                System.out.printf("%n(page-walk references per request, warm: ring %.2f, random %.2f)%n",
                        TraceReplayer.replay(machine.smmu, ring).walkReferencesPerTranslation(),
                        TraceReplayer.replay(machine.smmu, random).walkReferencesPerTranslation());
            }
            Workload.requireHits(machine.smmu, requests.all()); // last: the traces evict hit entries
        }
    }

    /**
     * TLB hits on 4 KiB pages. The trace replays run only in {@link Cached}: a setup that replays
     * thousands of misses first would shape the JIT's profile of the hit path it then measures.
     */
    @State(Scope.Thread)
    public static class Hit4k extends Hits {
        @Setup
        public void setup() {
            build(4096, false);
        }
    }

    /** The hit machine with its traces replayed once: DMA, invalidation and trace replay. */
    @State(Scope.Thread)
    public static class Cached extends Hits {
        @Setup
        public void setup() {
            build(4096, true);
        }
    }

    @State(Scope.Thread)
    public static class Hit2m extends Hits {
        @Setup
        public void setup() {
            build(1 << 21, false);
        }
    }

    public abstract static class Cold {
        SmmuV2Machine machine;
        Cycle requests;

        void build(SmmuV2Machine.Shape shape) {
            machine = new SmmuV2Machine(shape, CacheConfig.disabled(), Workload.MAPPED_PAGES, 4096);
            requests = new Cycle(machine.requests(Workload.randomPages(Workload.MAPPED_PAGES, Workload.WALK_REQUESTS,
                    12), Access.READ));
            Workload.requireWalkReferences(machine.smmu, requests.all(), machine.coldWalkReferences());
        }
    }

    @State(Scope.Thread)
    public static class ColdStage1 extends Cold {
        @Setup
        public void setup() {
            build(SmmuV2Machine.Shape.STAGE1_4);
        }
    }

    @State(Scope.Thread)
    public static class ColdNested4 extends Cold {
        @Setup
        public void setup() {
            build(SmmuV2Machine.Shape.NESTED_4_OVER_4);
        }
    }

    @Benchmark
    public Translation tlbHit4k(Hit4k s) {
        return s.machine.smmu.translate(s.requests.next());
    }

    @Benchmark
    public Translation tlbHit2m(Hit2m s) {
        return s.machine.smmu.translate(s.requests.next());
    }

    @Benchmark
    public Translation coldWalkStage1(ColdStage1 s) {
        return s.machine.smmu.translate(s.requests.next());
    }

    @Benchmark
    public Translation coldNested4over4(ColdNested4 s) {
        return s.machine.smmu.translate(s.requests.next());
    }

    @Benchmark
    public DmaResult dmaRead4k(Cached s) {
        return s.dma.read(SmmuV2Machine.SID, -1, false, s.requests.next().iova() & ~0xFFFL, 4096);
    }

    /** TLBIVA of one page on the context bank, then TLBSYNC/TLBSTATUS (the driver's invalidate). */
    @Benchmark
    public void invalidatePage(Cached s) {
        s.machine.driver.invalidate(s.machine.domain, s.requests.next().iova() & ~0xFFFL);
    }

    /** Trace replay, per request; the hit set stays in the TLB between replays. */
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
