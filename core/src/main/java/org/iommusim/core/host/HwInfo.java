package org.iommusim.core.host;

/**
 * IOMMU_GET_HW_INFO's answer: the vendor data type ({@code enum iommu_hw_info_type}) and its bytes
 * (raw capability registers), {@code out_capabilities} and {@code out_max_pasid_log2}.
 */
public record HwInfo(int type, byte[] data, long capabilities, int maxPasidLog2) {
    /** enum iommu_hw_info_type. */
    public static final int TYPE_NONE = 0;
    public static final int TYPE_INTEL_VTD = 1;
    public static final int TYPE_ARM_SMMUV3 = 2;

    /** out_capabilities bits (enum iommufd_hw_capabilities). */
    public static final long CAP_DIRTY_TRACKING = 1L;
    public static final long CAP_PCI_PASID_EXEC = 1L << 1;
    public static final long CAP_PCI_PASID_PRIV = 1L << 2;

    public HwInfo {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }
}
