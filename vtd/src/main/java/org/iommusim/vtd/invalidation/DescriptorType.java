package org.iommusim.vtd.invalidation;

/**
 * Invalidation-descriptor types, VT-d specification section 6.5.2: the type is bits 3:0 with bits 11:9
 * as type[6:4]. Types 0x6-0x8 exist only in 256-bit descriptors.
 */
public final class DescriptorType {
    public static final int CONTEXT_CACHE = 0x1;
    public static final int IOTLB = 0x2;
    public static final int DEVICE_TLB = 0x3;
    public static final int INTERRUPT_ENTRY_CACHE = 0x4;
    public static final int INVALIDATION_WAIT = 0x5;
    public static final int PASID_IOTLB = 0x6;
    public static final int PASID_CACHE = 0x7;
    public static final int PASID_DEVICE_TLB = 0x8;

    private DescriptorType() {
    }

    /** The 7-bit type of a descriptor's first quadword. */
    public static int of(long qw0) {
        return (int) (((qw0 >>> 5) & 0x70) | (qw0 & 0xF));
    }
}
