package org.iommusim.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.function.IntFunction;

import org.iommusim.bench.smmuv2.SmmuV2Machine;
import org.iommusim.bench.smmuv3.SmmuV3Machine;
import org.iommusim.bench.vtd.VtdMachine;
import org.iommusim.smmu.v2.SmmuV2Config;
import org.iommusim.smmu.v3.cache.CacheSizes;

/**
 * Retained heap per mapped 4 KiB page: each model's one-stage machine is built with 1 Ki, 64 Ki and
 * 1 Mi pages mapped, and the growth of the heap used after a full collection, from one size to the
 * next, is divided by the pages added (small sizes are within the collector's noise). Not a JMH benchmark (JMH measures time); run it as
 * {@code java -cp bench/target/benchmarks.jar org.iommusim.bench.RetainedHeap}.
 */
public final class RetainedHeap {
    private RetainedHeap() {
    }

    public static void main(String[] args) {
        measure("vtd first stage", n -> new VtdMachine(VtdMachine.Shape.FIRST_STAGE_4,
                org.iommusim.vtd.cache.VtdCaches.CacheSizes.defaults(), n, 4096, 1));
        measure("smmuv3 stage 1", n -> new SmmuV3Machine(SmmuV3Machine.Shape.STAGE1_4, CacheSizes.DEFAULT, n, 4096,
                1));
        measure("smmuv2 stage 1", n -> new SmmuV2Machine(SmmuV2Machine.Shape.STAGE1_4, SmmuV2Config.DEFAULT_TLB, n,
                4096));
    }

    private static void measure(String name, IntFunction<Object> build) {
        long previous = retained(build, 0);
        int previousPages = 0;
        for (int pages : new int[] {1 << 10, 1 << 16, 1 << 20}) {
            long used = retained(build, pages);
            System.out.printf("%-16s %8d pages: %,12d bytes retained, %6.1f bytes per page added since %d%n", name,
                    pages, used, (double) (used - previous) / (pages - previousPages), previousPages);
            previous = used;
            previousPages = pages;
        }
    }

    private static long retained(IntFunction<Object> build, int pages) {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        gc();
        long before = mx.getHeapMemoryUsage().getUsed();
        Object machine = build.apply(pages);
        gc();
        long after = mx.getHeapMemoryUsage().getUsed();
        java.lang.ref.Reference.reachabilityFence(machine);
        return after - before;
    }

    private static void gc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
    }
}
