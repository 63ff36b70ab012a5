package org.iommusim.vtd.host;

import java.util.Arrays;

import org.iommusim.core.uapi.Errno;
import org.iommusim.core.uapi.ErrnoException;
import org.iommusim.core.uapi.Layout;
import org.iommusim.core.uapi.UserStruct;

/** The VT-d data types of include/uapi/linux/iommufd.h and the invalidation entry's decoding. */
final class VtdUapi {
    /** IOMMU_HWPT_DATA_VTD_S1. */
    static final int HWPT_DATA_VTD_S1 = 1;
    /** IOMMU_HWPT_INVALIDATE_DATA_VTD_S1. */
    static final int HWPT_INVALIDATE_DATA_VTD_S1 = 0;
    /** IOMMU_VTD_INV_FLAGS_LEAF. */
    static final long INV_FLAGS_LEAF = 1;
    static final Layout HWPT_VTD_S1_INVALIDATE = Layout.struct("iommu_hwpt_vtd_s1_invalidate")
            .u64("addr").u64("npages").u32("flags").u32("__reserved").build();

    private VtdUapi() {
    }

    record Invalidation(long addr, long npages, boolean leaf) {
    }

    /** Entry {@code index} of an invalidation array, with the checks of intel_nested_cache_invalidate_user. */
    static Invalidation invalidation(byte[] entries, int index, int entryLen) throws ErrnoException {
        int from = index * entryLen;
        UserStruct s = UserStruct.copyFromUser(HWPT_VTD_S1_INVALIDATE,
                Arrays.copyOfRange(entries, from, from + entryLen), HWPT_VTD_S1_INVALIDATE.size());
        if (s.unknownBits("flags", INV_FLAGS_LEAF) != 0 || s.get("__reserved") != 0) {
            throw Errno.EOPNOTSUPP.failure("unknown invalidation flags or reserved bits");
        }
        long addr = s.get("addr");
        long npages = s.get("npages");
        if ((addr & 0xFFF) != 0 || npages == -1L && addr != 0) {
            throw Errno.EINVAL.failure("invalidation address not 4 KiB aligned, or a range from a non-zero address to U64_MAX");
        }
        return new Invalidation(addr, npages, (s.get("flags") & INV_FLAGS_LEAF) != 0);
    }
}
