package org.iommusim.smmu.v3.cache;

import org.iommusim.core.request.TranslationResult;

/**
 * One TLB entry: a combined translation of one page or block, with its result for unprivileged and
 * privileged requesters (computed when the entry is filled, so a hit allocates nothing).
 *
 * @param vmid         the VMID tag
 * @param asid         the ASID tag (0 for global and stage-2-only entries)
 * @param global       stage-1 nG was 0: the entry matches any ASID
 * @param regime       {@link Tlb#REGIME_S1}, {@link Tlb#REGIME_S2}, {@link Tlb#REGIME_NESTED} or
 *                     {@link Tlb#REGIME_S1_EL2}
 * @param inputBase    the input address of the page (top byte sanitised)
 * @param ipaBase      the IPA of the page (stage-2 and nested entries; the input for stage 2 only)
 * @param log2Size     log2 of the page size
 * @param granuleShift the leaf's granule (12, 14, 16), for range invalidation by TG
 * @param level        the leaf level (stage 1, or stage 2 for stage-2-only entries), for TTL
 * @param unprivileged the translation for unprivileged requests
 * @param privileged   the translation for privileged requests
 * @param writeClean   a write must walk again to set the dirty state (hardware dirty management)
 */
public record TlbEntry(int vmid, int asid, boolean global, int regime, long inputBase, long ipaBase, int log2Size,
                       int granuleShift, int level, TranslationResult unprivileged, TranslationResult privileged,
                       boolean writeClean) {
    public TranslationResult result(boolean priv) {
        return priv ? privileged : unprivileged;
    }

    /** Whether the page overlaps {@code [start, start + length)} of input addresses. */
    public boolean overlaps(long start, long length) {
        long end = inputBase + (1L << log2Size);
        return Long.compareUnsigned(start, end) < 0 && Long.compareUnsigned(inputBase, start + length) < 0
                || length == 0 && start == inputBase;
    }

    public boolean overlapsIpa(long start, long length) {
        long end = ipaBase + (1L << log2Size);
        return Long.compareUnsigned(start, end) < 0 && Long.compareUnsigned(ipaBase, start + length) < 0;
    }
}
