package org.iommusim.smmu.v3.cd;

import org.iommusim.smmu.vmsa.VmsaFormat;

/**
 * One half of the stage-1 input address space: TTB0 (addresses with VA[55] = 0) or TTB1 (VA[55] = 1),
 * IHI 0070 5.4 and Arm ARM D8.2.
 *
 * @param format the regime, or null when EPDx disables walks through this half
 * @param ttb    the table base, aligned down to the start-level table size
 * @param tbi    top byte ignore
 * @param had    hierarchical attributes disabled (APTable/XNTable/PXNTable ignored)
 */
public record TranslationTableHalf(VmsaFormat format, long ttb, boolean tbi, boolean had) {
    public boolean disabled() {
        return format == null;
    }
}
