package org.iommusim.core.host;

/** Choosing page sizes for a map, as iommu_map does with a domain's pgsize_bitmap. */
public final class PageSizes {
    private PageSizes() {
    }

    /**
     * The largest size in {@code bitmap} (bit n: 2^n bytes) to which both {@code iova} and {@code pa} are
     * aligned and that fits in {@code remaining}; the smallest size in the bitmap when none does.
     */
    public static long largest(long bitmap, long iova, long pa, long remaining) {
        for (long size = Long.highestOneBit(bitmap); size != 0; size >>>= 1) {
            if ((bitmap & size) != 0 && ((iova | pa) & (size - 1)) == 0 && Long.compareUnsigned(size, remaining) <= 0) {
                return size;
            }
        }
        return Long.lowestOneBit(bitmap);
    }
}
