package org.iommusim.smmu.v2.tlb;

import org.iommusim.core.request.TranslationResult;

/**
 * One cached translation. Stage-1 entries (stage 1 only, or the combined result of a nested
 * translation) are tagged by VMID and, unless global, ASID and hold a VA range; stage-2 entries are
 * tagged by VMID and hold an IPA range. The result is returned as it is on a hit.
 *
 * @param stage2     a stage-2 entry (IPA to PA) rather than a stage-1 one
 * @param vmid       the VMID of the context bank that filled it
 * @param asid       the ASID (stage 1, not global), 0 otherwise
 * @param global     a stage-1 entry whose leaf had nG = 0: it matches every ASID
 * @param privileged the privilege the permissions were computed for (stage 1)
 * @param inputBase  first input address the entry covers
 * @param inputSize  bytes it covers (the page or block size)
 * @param result     the translation
 */
public record TlbEntry(boolean stage2, int vmid, int asid, boolean global, boolean privileged, long inputBase,
                       long inputSize, TranslationResult result) {
    public boolean covers(long input) {
        return Long.compareUnsigned(input - inputBase, inputSize) < 0;
    }

    /** Whether a stage-1 maintenance operation for {@code asidToMatch} applies (global entries: always). */
    boolean matchesAsid(int asidToMatch) {
        return global || asid == asidToMatch;
    }
}
