package org.iommusim.smmu.v3.host;

/**
 * The SMMUv3 constants of include/uapi/linux/iommufd.h, and the STE fields a guest may set in a nested
 * STE (Linux's STRTAB_STE_0/1_NESTING_ALLOWED: V, Config, S1Fmt, S1ContextPtr, S1CDMax; S1DSS, S1CIR,
 * S1COR, S1CSH, S1STALLD, EATS; IHI 0070 5.2).
 */
final class SmmuV3Uapi {
    static final int VIOMMU_TYPE_ARM_SMMUV3 = 1;
    static final int HWPT_DATA_ARM_SMMUV3 = 2;
    static final int VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 = 1;
    /** sizeof(struct iommu_hwpt_arm_smmuv3): two STE words. */
    static final int HWPT_ARM_SMMUV3_SIZE = 16;
    /** sizeof(struct iommu_viommu_arm_smmuv3_invalidate): one command. */
    static final int INVALIDATE_ENTRY_SIZE = 16;

    static final long STE0_NESTING_ALLOWED = 1L | 0xEL | 0x30L | 0x000F_FFFF_FFFF_FFC0L | (0x1FL << 59);
    static final long STE1_NESTING_ALLOWED = 0xFFL | (1L << 27) | (3L << 28);

    private SmmuV3Uapi() {
    }
}
