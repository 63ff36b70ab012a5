package org.iommusim.smmu.v3.cache;

/**
 * A cached stage-2 translation of one IPA page (the IPA cache nested walks use for their table fetches
 * and for the stage-1 output), with the leaf descriptor so permissions are checked per request.
 *
 * @param vmid       the VMID tag
 * @param ipaBase    the IPA of the page
 * @param pageBase   its host-physical address
 * @param log2Size   log2 of the page size
 * @param level      the leaf level
 * @param descriptor the leaf descriptor as last read or written back
 */
public record Stage2Leaf(int vmid, long ipaBase, long pageBase, int log2Size, int level, long descriptor) {
    public long translate(long ipa) {
        return pageBase | (ipa & ((1L << log2Size) - 1));
    }
}
