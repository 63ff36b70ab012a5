package org.iommusim.smmu.v3.cd;

/**
 * The stage-1 translation a legal CD selects (IHI 0070 5.4): ASID, both halves of the VA space, the
 * permission and fault controls, and hardware access/dirty management.
 */
public record Stage1Config(int asid, TranslationTableHalf ttb0, TranslationTableHalf ttb1, boolean affd,
                           boolean wxn, boolean uwxn, boolean ha, boolean hd, boolean record, boolean stall,
                           long mair) {
    public TranslationTableHalf half(int i) {
        return i == 0 ? ttb0 : ttb1;
    }
}
