package org.iommusim.smmu.v3.cd;

import org.iommusim.core.walk.PageTableFormat;
import org.iommusim.smmu.vmsa.BigEndianFormat;
import org.iommusim.smmu.vmsa.VmsaFormat;

/**
 * One half of the stage-1 input address space: TTB0 (addresses with VA[55] = 0) or TTB1 (VA[55] = 1),
 * IHI 0070 5.4 and Arm ARM D8.2.
 *
 * @param format the regime, or null when EPDx disables walks through this half
 * @param ttb    the table base, aligned down to the start-level table size
 * @param tbi    top byte ignore
 * @param had    hierarchical attributes disabled (APTable/XNTable/PXNTable ignored)
 * @param bigEndian CD.ENDI: the tables are big-endian
 */
public record TranslationTableHalf(VmsaFormat format, long ttb, boolean tbi, boolean had, boolean bigEndian) {
    public boolean disabled() {
        return format == null;
    }

    /** The format the walker runs: {@link #format} read big-endian when ENDI is set. */
    public PageTableFormat walkFormat() {
        return bigEndian ? new BigEndianFormat(format) : format;
    }

    /** The descriptor value of an entry as the walker read it. */
    public long value(long stored) {
        return bigEndian ? BigEndianFormat.value(stored) : stored;
    }

    /** The memory image of a descriptor value. */
    public long stored(long value) {
        return bigEndian ? BigEndianFormat.stored(value) : value;
    }
}
