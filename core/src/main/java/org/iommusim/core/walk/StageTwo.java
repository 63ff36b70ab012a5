package org.iommusim.core.walk;

import org.iommusim.core.memory.PhysicalMemory;

/**
 * The second stage as the {@link NestedWalker} sees it: something that turns an intermediate physical
 * address (a guest-physical address) into a host-physical one. Vendors implement it over their own
 * stage-2 caches and permission checks, and mark a refused translation {@link WalkResult.Status#DENIED};
 * {@link #walking} is the plain uncached walk.
 */
@FunctionalInterface
public interface StageTwo {
    /**
     * Translates one IPA.
     *
     * @param ipa        the address to translate
     * @param tableFetch true when the IPA is the address of a stage-1 table entry the walk must read
     *                   (or write back), false when it is the stage-1 output address
     * @param trace      receives the stage-2 memory references
     * @return an OK result whose {@link WalkResult#translate(long)} gives the host-physical address, or
     *         the failed stage-2 walk
     */
    WalkResult translate(long ipa, boolean tableFetch, WalkTrace trace);

    /** A stage 2 that walks {@code format} from {@code root} on every call, with no cache. */
    static StageTwo walking(PhysicalMemory memory, PageTableFormat format, long root) {
        return (ipa, tableFetch, trace) -> Walker.walk(memory, format, root, ipa, 2, trace);
    }
}
