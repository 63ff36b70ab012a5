package org.iommusim.smmu.v3.host;

import org.iommusim.core.bits.Bits;
import org.iommusim.smmu.v3.ste.SteField;
import org.iommusim.smmu.v3.ste.StreamTableEntry;

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

    /** STE.S1CIR, S1COR, S1CSH: dw1 bits 7:2 (IHI 0070 5.2; not modelled, so passed through as set). */
    static final long STE1_S1_CACHEABILITY = Bits.mask(7, 2);
    /** STE.S1STALLD: dw1 bit 27 (IHI 0070 5.2). */
    static final long STE1_S1STALLD = 1L << 27;
    static final long STE0_NESTING_ALLOWED = SteField.v() | SteField.config(7) | SteField.s1Fmt(3)
            | StreamTableEntry.S1_CONTEXT_PTR_MASK | SteField.s1CdMax(0x1F);
    static final long STE1_NESTING_ALLOWED = SteField.s1Dss(3) | STE1_S1_CACHEABILITY | STE1_S1STALLD
            | SteField.eats(3);

    private SmmuV3Uapi() {
    }
}
