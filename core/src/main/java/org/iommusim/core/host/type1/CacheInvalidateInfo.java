package org.iommusim.core.host.type1;

import org.iommusim.core.uapi.Errno;
import org.iommusim.core.uapi.ErrnoException;
import org.iommusim.core.uapi.Layout;
import org.iommusim.core.uapi.UserStruct;

/**
 * {@code struct iommu_cache_invalidate_info} of include/uapi/linux/iommu.h (Linux 5.8-5.14), decoded with
 * the IOMMU core's checks (iommu_check_cache_invl_data, Linux 5.10-5.14): version 1, only known cache
 * types, a known granularity, only the flags of the granularity's union member, zero padding, and neither
 * ADDR granularity with the PASID cache nor DOMAIN granularity with the device TLB; {@code EINVAL}
 * otherwise.
 *
 * @param cache       IOMMU_CACHE_INV_TYPE_* bits
 * @param granularity IOMMU_INV_GRANU_*
 * @param flags       the flags of pasid_info (PASID granularity) or addr_info (ADDR granularity)
 */
public record CacheInvalidateInfo(int cache, int granularity, int flags, int archid, long pasid, long addr,
                                  long granuleSize, long nbGranules) {
    public static final int VERSION_1 = 1;
    public static final int TYPE_IOTLB = 1, TYPE_DEV_IOTLB = 1 << 1, TYPE_PASID = 1 << 2;
    public static final int TYPE_MASK = 7;
    public static final int GRANU_DOMAIN = 0, GRANU_PASID = 1, GRANU_ADDR = 2;
    public static final int PASID_FLAGS_PASID = 1, PASID_FLAGS_ARCHID = 1 << 1;
    public static final int ADDR_FLAGS_PASID = 1, ADDR_FLAGS_ARCHID = 1 << 1, ADDR_FLAGS_LEAF = 1 << 2;

    public static final Layout LAYOUT = Layout.struct("iommu_cache_invalidate_info")
            .u32("argsz").u32("version").u8("cache").u8("granularity").padTo(16)
            .begin("granu").begin("addr_info").u32("flags").u32("archid").u64("pasid").u64("addr")
            .u64("granule_size").u64("nb_granules").end().end()
            .build();
    private static final int PADDING_START = 10;

    public boolean hasPasid() {
        return (flags & PASID_FLAGS_PASID) != 0;
    }

    public boolean hasArchid() {
        return (flags & PASID_FLAGS_ARCHID) != 0;
    }

    public boolean leaf() {
        return granularity == GRANU_ADDR && (flags & ADDR_FLAGS_LEAF) != 0;
    }

    public static CacheInvalidateInfo decode(byte[] user) throws ErrnoException {
        UserStruct s = UserStruct.copyFromUser(LAYOUT, user, LAYOUT.size());
        byte[] b = s.bytes();
        for (int i = PADDING_START; i < 16; i++) {
            if (b[i] != 0) {
                throw Errno.EINVAL.failure("iommu_cache_invalidate_info: nonzero padding");
            }
        }
        int cache = s.getInt("cache");
        int granu = s.getInt("granularity");
        if (s.get("argsz") < LAYOUT.size() || s.get("version") != VERSION_1 || (cache & ~TYPE_MASK) != 0 || cache == 0
                || granu > GRANU_ADDR) {
            throw Errno.EINVAL.failure("iommu_cache_invalidate_info: argsz/version/cache/granularity");
        }
        // The core's two illegal pairs (Linux 5.10+); the others are for each driver to judge.
        if (granu == GRANU_ADDR && (cache & TYPE_PASID) != 0 || granu == GRANU_DOMAIN && (cache & TYPE_DEV_IOTLB) != 0) {
            throw Errno.EINVAL.failure("iommu_cache_invalidate_info: ADDR x PASID cache or DOMAIN x DEV_IOTLB");
        }
        // pasid_info overlays addr_info: flags, archid and pasid sit at the same offsets.
        int flags = s.getInt("granu.addr_info.flags");
        long known = granu == GRANU_ADDR ? ADDR_FLAGS_PASID | ADDR_FLAGS_ARCHID | ADDR_FLAGS_LEAF
                : granu == GRANU_PASID ? PASID_FLAGS_PASID | PASID_FLAGS_ARCHID : 0;
        if ((flags & ~known) != 0 && granu != GRANU_DOMAIN) {
            throw Errno.EINVAL.failure("iommu_cache_invalidate_info: unknown flags 0x" + Integer.toHexString(flags));
        }
        if (granu == GRANU_DOMAIN) {
            return new CacheInvalidateInfo(cache, granu, 0, 0, 0, 0, 0, 0);
        }
        long addr = granu == GRANU_ADDR ? s.get("granu.addr_info.addr") : 0;
        long gsize = granu == GRANU_ADDR ? s.get("granu.addr_info.granule_size") : 0;
        long nb = granu == GRANU_ADDR ? s.get("granu.addr_info.nb_granules") : 0;
        return new CacheInvalidateInfo(cache, granu, flags, s.getInt("granu.addr_info.archid"),
                s.get("granu.addr_info.pasid"), addr, gsize, nb);
    }
}
