package org.iommusim.vfio.uapi;

/**
 * Constants of include/uapi/linux/iommu.h of Linux 5.8-5.14 (the 2020 nesting payloads), of Eric
 * Auger's SET_PASID_TABLE series, and the vendor flags of today's iommufd.h, by their header names, for
 * scripts.
 */
public final class IommuUapi {
    private IommuUapi() {
    }

    public static final int IOMMU_GPASID_BIND_VERSION_1 = 1;
    public static final int IOMMU_PASID_FORMAT_INTEL_VTD = 1;
    public static final int IOMMU_SVA_GPASID_VAL = 1;
    public static final int IOMMU_SVA_VTD_GPASID_SRE = 1, IOMMU_SVA_VTD_GPASID_EAFE = 1 << 1,
            IOMMU_SVA_VTD_GPASID_PCD = 1 << 2, IOMMU_SVA_VTD_GPASID_PWT = 1 << 3, IOMMU_SVA_VTD_GPASID_EMTE = 1 << 4,
            IOMMU_SVA_VTD_GPASID_CD = 1 << 5, IOMMU_SVA_VTD_GPASID_WPE = 1 << 6;
    public static final int IOMMU_CACHE_INVALIDATE_INFO_VERSION_1 = 1;
    public static final int IOMMU_CACHE_INV_TYPE_IOTLB = 1, IOMMU_CACHE_INV_TYPE_DEV_IOTLB = 1 << 1,
            IOMMU_CACHE_INV_TYPE_PASID = 1 << 2;
    public static final int IOMMU_INV_GRANU_DOMAIN = 0, IOMMU_INV_GRANU_PASID = 1, IOMMU_INV_GRANU_ADDR = 2;
    public static final int IOMMU_INV_ADDR_FLAGS_PASID = 1, IOMMU_INV_ADDR_FLAGS_ARCHID = 1 << 1,
            IOMMU_INV_ADDR_FLAGS_LEAF = 1 << 2;
    public static final int IOMMU_INV_PASID_FLAGS_PASID = 1, IOMMU_INV_PASID_FLAGS_ARCHID = 1 << 1;
    public static final int IOMMU_PASID_TABLE_CFG_VERSION_1 = 1;
    public static final int IOMMU_PASID_FORMAT_SMMUV3 = 1;
    public static final int IOMMU_PASID_CONFIG_TRANSLATE = 1, IOMMU_PASID_CONFIG_BYPASS = 2,
            IOMMU_PASID_CONFIG_ABORT = 3;
    public static final int PASID_TABLE_SMMUV3_CFG_VERSION_1 = 1;
    /** iommusim's extension: an SMMUv2 nested stage-1 context bank (see docs/vfio.md). */
    public static final int IOMMU_PASID_FORMAT_ARM_SMMUV2 = 0x100;

    // iommufd.h vendor flags
    public static final int IOMMU_VTD_S1_SRE = 1, IOMMU_VTD_S1_EAFE = 1 << 1, IOMMU_VTD_S1_WPE = 1 << 2;
    public static final int IOMMU_VTD_INV_FLAGS_LEAF = 1;
    public static final long IOMMU_HW_CAP_DIRTY_TRACKING = 1, IOMMU_HW_CAP_PCI_PASID_EXEC = 1 << 1,
            IOMMU_HW_CAP_PCI_PASID_PRIV = 1 << 2;
}
