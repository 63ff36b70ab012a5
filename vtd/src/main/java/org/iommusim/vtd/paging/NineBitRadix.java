package org.iommusim.vtd.paging;

import org.iommusim.core.walk.PageTableFormat;

/**
 * The table shape both VT-d stages share (VT-d spec 3.6 and 3.7, after IA-32e paging): 4 KiB tables of
 * 512 eight-byte entries, each level indexing 9 input bits above the 12-bit page offset, levels numbered
 * from {@link #levels()} at the root down to 1.
 */
public interface NineBitRadix extends PageTableFormat {
    int PAGE_SHIFT = 12;
    int BITS_PER_LEVEL = 9;

    @Override
    default int indexShift(int step) {
        return PAGE_SHIFT + BITS_PER_LEVEL * (levels() - 1 - step);
    }

    @Override
    default int indexBits(int step) {
        return BITS_PER_LEVEL;
    }

    @Override
    default int level(int step) {
        return levels() - step;
    }
}
