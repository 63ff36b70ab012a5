package org.iommusim.testkit;

import static org.iommusim.proptest.Props.gen;
import static org.iommusim.proptest.Props.qt;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;

import org.iommusim.core.memory.AccessPurpose;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Fault;
import org.iommusim.core.request.TranslationResult;
import org.iommusim.core.walk.MemoryReference;
import org.iommusim.core.walk.WalkTrace;
import org.iommusim.testkit.gen.Mappings;
import org.iommusim.testkit.gen.Operations;
import org.iommusim.testkit.invariant.CacheTransparency;
import org.iommusim.testkit.machine.Machine;
import org.iommusim.testkit.machine.Vm;
import org.junit.jupiter.api.Test;

/**
 * Caches are invisible while the driver invalidates as the specification requires, and visible when it
 * does not: the second half shows that the first can fail. Seen to fail: when written, it found that the
 * VT-d and SMMUv2 host drivers threw on a map over a mapped page and that SMMUv3 replaced a table by a block
 * without invalidation (a stale walk-cache translation); HostDriverMapTest keeps those fixed.
 */
class CacheTransparencyProperties {
    private static void transparent(String kind) {
        qt(40).forAll(gen(r -> Operations.workload(r, Shapes.of(kind), 2, 60)))
                .checkAssert(ops -> CacheTransparency.check(kind, 2, ops));
    }

    /** Fails if VT-d's unmap path skips the IOTLB or paging-structure-cache invalidation, or the memo outlives it. */
    @Test
    void vtdCachesAreInvisible() {
        transparent("vtd");
    }

    /** Fails if SMMUv3's TLBI_S2_IPA / CMD_SYNC leaves an entry behind (or the walk cache keeps a freed table). */
    @Test
    void smmuv3CachesAreInvisible() {
        transparent("smmuv3");
    }

    /** Fails if SMMUv2's TLBIIPAS2 + TLBSYNC misses an entry of the VMID. */
    @Test
    void smmuv2CachesAreInvisible() {
        transparent("smmuv2");
    }

    /**
     * The converse: a driver that clears a leaf entry in memory and forgets the invalidation is seen, because
     * the machine with caches still translates the page while the one without faults. Fails if the
     * cache-transparency check could never see a stale entry (for example if caches=none still cached).
     */
    private static void droppedInvalidationIsSeen(String kind) {
        qt(30).forAll(gen(r -> Mappings.one(r, Shapes.of(kind)))).checkAssert(m -> {
            PageMapping readable = new PageMapping(m.input(), m.output(), m.size());
            Vm cached = Machine.create(kind).vm(List.of(readable), 0x10);
            Vm uncached = Machine.withoutCaches(kind).vm(List.of(readable), 0x10);
            long iova = readable.input() + 8;
            assertInstanceOf(TranslationResult.class, cached.machine().translate(0x10, iova, Access.READ));
            WalkTrace.Recorder trace = new WalkTrace.Recorder();
            uncached.machine().iommu().setWalkTrace(trace);
            assertInstanceOf(TranslationResult.class, uncached.machine().translate(0x10, iova, Access.READ));
            uncached.machine().iommu().setWalkTrace(WalkTrace.NONE);
            List<MemoryReference> refs = trace.references();
            long leaf = refs.get(refs.size() - 1).address();
            for (Vm vm : List.of(cached, uncached)) {
                vm.machine().memory().write64(leaf, 0, AccessPurpose.SOFTWARE); // unmapped, never invalidated
            }
            assertInstanceOf(Fault.class, uncached.machine().translate(0x10, iova, Access.READ), "no cache: the walk sees the change");
            assertInstanceOf(TranslationResult.class, cached.machine().translate(0x10, iova, Access.READ),
                    "with caches: the stale translation, which the transparency check would report");
        });
    }

    @Test
    void vtdDroppedInvalidationIsSeen() {
        droppedInvalidationIsSeen("vtd");
    }

    @Test
    void smmuv3DroppedInvalidationIsSeen() {
        droppedInvalidationIsSeen("smmuv3");
    }

    @Test
    void smmuv2DroppedInvalidationIsSeen() {
        droppedInvalidationIsSeen("smmuv2");
    }
}
