package org.iommusim.vfio.type1;

/**
 * Sizes of VFIO_IOMMU_GET_INFO's capability chain (vfio_info_cap_add aligns each capability to 8
 * bytes): the IOVA-range capability with one range, DMA_AVAIL, and the proposal's NESTING capability
 * (header, flags, padding, then struct iommu_nesting_info with its vendor union).
 */
final class InfoCapabilities {
    /** sizeof(struct vfio_iommu_type1_info): the chain starts right after it. */
    static final int FIRST = 24;
    static final int IOVA_RANGE = 8 + 8 + 16;
    static final int DMA_AVAIL = 16;
    /** struct iommu_nesting_info: 32 bytes of fields and padding, 24 of vendor data. */
    static final int NESTING_INFO_SIZE = 56;
    static final int NESTING = 8 + 8 + NESTING_INFO_SIZE;

    private InfoCapabilities() {
    }

    static int size(boolean nesting) {
        return FIRST + IOVA_RANGE + DMA_AVAIL + (nesting ? NESTING : 0);
    }
}
