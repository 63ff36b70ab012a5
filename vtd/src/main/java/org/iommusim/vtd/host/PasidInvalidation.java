package org.iommusim.vtd.host;

import org.iommusim.core.host.type1.CacheInvalidateInfo;
import org.iommusim.core.uapi.Errno;
import org.iommusim.core.uapi.ErrnoException;
import org.iommusim.vtd.driver.VtdDriver;
import org.iommusim.vtd.registers.Cap;

/**
 * A guest's {@code iommu_cache_invalidate_info} (the 2020 type1 CACHE_INVLD) as PASID-based IOTLB
 * invalidation descriptors followed by a wait (VT-d spec 6.5.2.4, 6.5.2.8).
 */
final class PasidInvalidation {
    private static final long PAGE = 4096;

    private PasidInvalidation() {
    }

    /**
     * intel_iommu_sva_invalidate of Linux 5.8-5.14: the cache types are taken in bit order, IOTLB with
     * PASID or ADDR granularity (a PASID-based IOTLB invalidation, PASID-selective or page-selective),
     * the device TLB with ADDR only; an illegal type x granularity pair (IOTLB x DOMAIN, the PASID cache
     * with any) ends the loop and the call still returns 0, as that driver did. An address not aligned to
     * its size is ERANGE (5.8). Without the PASID flag there is nothing to invalidate by: EINVAL.
     */
    static void apply(VtdDriver driver, Cap cap, int did, int pasidBits, CacheInvalidateInfo info)
            throws ErrnoException {
        int granu = info.granularity();
        if (granu != CacheInvalidateInfo.GRANU_DOMAIN && !info.hasPasid()) {
            throw Errno.EINVAL.failure("a PASID-based invalidation needs a PASID");
        }
        for (int type = 1; type <= CacheInvalidateInfo.TYPE_PASID; type <<= 1) {
            if ((info.cache() & type) == 0) {
                continue;
            }
            boolean legal = type == CacheInvalidateInfo.TYPE_IOTLB ? granu != CacheInvalidateInfo.GRANU_DOMAIN
                    : type == CacheInvalidateInfo.TYPE_DEV_IOTLB && granu == CacheInvalidateInfo.GRANU_ADDR;
            if (!legal) {
                return;
            }
            if (info.pasid() <= 0 || info.pasid() >= 1L << pasidBits) {
                throw Errno.EINVAL.failure("PASID " + info.pasid() + " out of range");
            }
            int pasid = (int) info.pasid();
            if (type == CacheInvalidateInfo.TYPE_IOTLB) {
                int am = granu == CacheInvalidateInfo.GRANU_ADDR ? addressMask(info) : -1;
                if (am < 0 || am > cap.maxAddressMaskValue()) {
                    driver.flushPasidIotlb(did, pasid);
                } else {
                    driver.flushPasidIotlbPages(did, pasid, info.addr(), am);
                }
            }
            // TYPE_DEV_IOTLB: the modelled devices have no ATC, so there is nothing to invalidate.
        }
    }

    /** The address mask (log2 pages) of an ADDR invalidation: ERANGE when the address is not aligned to it. */
    private static int addressMask(CacheInvalidateInfo info) throws ErrnoException {
        long bytesCovered = info.granuleSize() * info.nbGranules();
        long pages = Math.max(1, bytesCovered / PAGE);
        int am = 64 - Long.numberOfLeadingZeros(pages - 1);
        if (info.granuleSize() == 0 || info.nbGranules() == 0 || (info.addr() & ((PAGE << am) - 1)) != 0) {
            throw Errno.ERANGE.failure("address 0x" + Long.toHexString(info.addr()) + " not aligned to its size");
        }
        return am;
    }

}
