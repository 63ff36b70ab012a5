package org.iommusim.vfio.iommufd;

import java.util.Arrays;

import org.iommusim.core.uapi.Errno;
import org.iommusim.core.uapi.ErrnoException;
import org.iommusim.vfio.Call;
import org.iommusim.vfio.DmaMappings;

import static org.iommusim.vfio.uapi.IommufdUapi.*;

/** iommufd's dirty tracking of a paging HWPT (drivers/iommu/iommufd/hw_pagetable.c, io_pagetable.c). */
public final class DirtyTracking {
    private static final long PAGE = 4096;

    private DirtyTracking() {
    }

    /** IOMMU_HWPT_SET_DIRTY_TRACKING: EOPNOTSUPP for unknown flags or a domain without dirty tracking. */
    public static void set(IommufdContext ctx, Call c) throws ErrnoException {
        c.checkSize("__reserved", IOMMU_HWPT_DIRTY_TRACKING_ENABLE);
        if (c.get("__reserved") != 0) {
            throw Errno.EOPNOTSUPP.failure("reserved field set");
        }
        ctx.find(c.get("hwpt_id"), IommufdObject.HwptPaging.class).domain.setDirtyTracking((c.get("flags")
                & IOMMU_HWPT_DIRTY_TRACKING_ENABLE) != 0);
    }

    /**
     * IOMMU_HWPT_GET_DIRTY_BITMAP: one bit per page_size of [iova, iova + length), returned as {@code data}
     * (the bytes of the user's bitmap); the dirty bits are cleared unless NO_CLEAR. EINVAL for a zero or
     * non-power-of-two page size, an unaligned range or one not fully mapped; EOVERFLOW for a wrapping one.
     */
    public static void bitmap(IommufdContext ctx, Call c) throws ErrnoException {
        c.checkSize("data", IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
        if (c.get("__reserved") != 0) {
            throw Errno.EOPNOTSUPP.failure("reserved field set");
        }
        IommufdObject.HwptPaging p = ctx.find(c.get("hwpt_id"), IommufdObject.HwptPaging.class);
        long iova = c.get("iova");
        long length = c.get("length");
        long pageSize = c.get("page_size");
        if (DmaMappings.wraps(iova, length)) {
            throw Errno.EOVERFLOW.failure("the range wraps");
        }
        if (pageSize < PAGE || Long.bitCount(pageSize) != 1 || length == 0 || ((iova | length) & (pageSize - 1)) != 0
                || length / pageSize > 1 << 20) {
            throw Errno.EINVAL.failure("page_size, or a range not aligned to it");
        }
        java.util.BitSet bits = new java.util.BitSet();
        p.domain.readAndClearDirty(iova, length, pageSize, (c.get("flags") & IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR) != 0,
                bits);
        int bytes = (int) (((length / pageSize) + 63) / 64 * 8);
        c.extra("data", Arrays.copyOf(bits.toByteArray(), bytes));
    }

}
