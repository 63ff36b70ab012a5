package org.iommusim.core.memory;

/**
 * Why a model touched physical memory. Counting references by purpose lets every walk, configuration
 * fetch and queue operation be costed separately from the data a DMA moves.
 */
public enum AccessPurpose {
    /** A page-table entry read or written (A/D update) during a walk, either stage. */
    PAGE_WALK,
    /** A configuration structure fetch: root/context/PASID entries (VT-d), STE/CD (SMMU). */
    CONFIG_FETCH,
    /** A command, invalidation-descriptor, event or fault-record queue access. */
    QUEUE,
    /** The data a device moves through the IOMMU. */
    DMA_DATA,
    /** Everything else: software (drivers, scripts, tests) reading and writing memory directly. */
    SOFTWARE
}
