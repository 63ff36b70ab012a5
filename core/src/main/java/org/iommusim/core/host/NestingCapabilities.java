package org.iommusim.core.host;

import java.util.Map;

/**
 * The seed's matrix for one IOMMU, and what one {@code u32 stage1_formats} cannot say: the structured
 * stage-1 format. Also the fields of the 2020 proposal's {@code iommu_nesting_info} (format, features,
 * addr_width, pasid_bits, vendor data). Every value is computed from the IOMMU's registers.
 *
 * @param pasidRequest    a system-wide PASID space user space may allocate from
 * @param bindGuestPgtbl  one guest stage-1 page table can be installed (per PASID, or per context bank)
 * @param bindPasidTable  the guest's whole PASID / CD table can be installed
 * @param cacheInvalidate guest cache invalidations are passed through (whenever a bind is)
 * @param format          iommu_nesting_info.format (IOMMU_PASID_FORMAT_*), 0 when there is no nesting
 * @param addrWidth       stage-1 input address width in bits
 * @param pasidBits       PASID / SubstreamID width in bits (0: none)
 * @param vendor          the vendor data's fields by their uAPI names (cap_reg, ecap_reg; idr[0] ...)
 * @param stage1Format    the structured stage-1 format, in a stable key order
 */
public record NestingCapabilities(boolean pasidRequest, boolean bindGuestPgtbl, boolean bindPasidTable,
                                  boolean cacheInvalidate, int format, int addrWidth, int pasidBits,
                                  Map<String, Long> vendor, Map<String, Object> stage1Format) {
    /** iommu_nesting_info.features bits. */
    public static final int FEAT_SYSWIDE_PASID = 1;
    public static final int FEAT_BIND_PGTBL = 1 << 1;
    public static final int FEAT_CACHE_INVLD = 1 << 2;

    public NestingCapabilities {
        vendor = Map.copyOf(vendor);
        stage1Format = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stage1Format));
    }

    /** iommu_nesting_info.features. */
    public int features() {
        return (pasidRequest ? FEAT_SYSWIDE_PASID : 0) | (bindGuestPgtbl || bindPasidTable ? FEAT_BIND_PGTBL : 0)
                | (cacheInvalidate ? FEAT_CACHE_INVLD : 0);
    }

    /** True when any nesting operation is offered (VFIO_TYPE1_NESTING_IOMMU is available). */
    public boolean nesting() {
        return bindGuestPgtbl || bindPasidTable;
    }
}
