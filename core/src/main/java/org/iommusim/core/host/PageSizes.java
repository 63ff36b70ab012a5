package org.iommusim.core.host;

import org.iommusim.core.uapi.Errno;
import org.iommusim.core.uapi.ErrnoException;

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

    /** What a page table says to one leaf write. */
    public enum LeafStatus {
        /** The leaf was written. */
        MAPPED,
        /** A table already sits in the slot (left by smaller pages): map this part with smaller pages. */
        TABLE_IN_THE_WAY,
        /** A valid leaf already covers part of it. */
        ALREADY_MAPPED
    }

    /** Writes one leaf of a page-table format. */
    @FunctionalInterface
    public interface LeafWriter {
        LeafStatus map(long iova, long pa, long size) throws ErrnoException;
    }

    /** Removes what a failed {@link #mapRange} had mapped. */
    @FunctionalInterface
    public interface Rollback {
        void unmap(long iova, long size);
    }

    /**
     * Maps {@code [iova, iova + size)} with the largest pages the bitmap and alignment allow, dropping to
     * smaller pages where a table left by earlier mappings sits in a larger page's slot (never replacing a
     * table, which would need walk-cache maintenance). When any page is already mapped it unmaps what this
     * call mapped and fails with EEXIST, so that nothing changes (the {@link PagingDomain#map} contract).
     */
    public static void mapRange(long bitmap, long iova, long pa, long size, LeafWriter leaf, Rollback rollback)
            throws ErrnoException {
        long off = 0;
        while (Long.compareUnsigned(off, size) < 0) {
            long page = largest(bitmap, iova + off, pa + off, size - off);
            LeafStatus status = leaf.map(iova + off, pa + off, page);
            while (status == LeafStatus.TABLE_IN_THE_WAY && page > Long.lowestOneBit(bitmap)) {
                page = smaller(bitmap, page);
                status = leaf.map(iova + off, pa + off, page);
            }
            if (status != LeafStatus.MAPPED) {
                if (off != 0) {
                    rollback.unmap(iova, off);
                }
                throw Errno.EEXIST.failure(String.format("map: 0x%x is already mapped", iova + off));
            }
            off += page;
        }
    }

    private static long smaller(long bitmap, long size) {
        long below = bitmap & (size - 1);
        return below == 0 ? Long.lowestOneBit(bitmap) : Long.highestOneBit(below);
    }
}
