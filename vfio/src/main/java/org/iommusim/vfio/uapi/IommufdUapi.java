package org.iommusim.vfio.uapi;

import org.iommusim.core.uapi.Layout;

/**
 * The argument structures and constants of include/uapi/linux/iommufd.h that the front end implements.
 * Every structure starts with its {@code size}; the kernel copies it with copy_struct_from_user.
 */
public final class IommufdUapi {
    private IommufdUapi() {
    }

    public static final long IOMMU_IOAS_MAP_FIXED_IOVA = 1, IOMMU_IOAS_MAP_WRITEABLE = 1 << 1,
            IOMMU_IOAS_MAP_READABLE = 1 << 2;
    public static final long IOMMU_HWPT_ALLOC_NEST_PARENT = 1, IOMMU_HWPT_ALLOC_DIRTY_TRACKING = 1 << 1,
            IOMMU_HWPT_FAULT_ID_VALID = 1 << 2, IOMMU_HWPT_ALLOC_PASID = 1 << 3;
    public static final long IOMMU_HW_INFO_FLAG_INPUT_TYPE = 1;
    public static final int IOMMU_HWPT_DATA_NONE = 0, IOMMU_HWPT_DATA_VTD_S1 = 1, IOMMU_HWPT_DATA_ARM_SMMUV3 = 2;
    public static final int IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 = 0, IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 = 1;
    public static final int IOMMU_VIOMMU_TYPE_DEFAULT = 0, IOMMU_VIOMMU_TYPE_ARM_SMMUV3 = 1;
    public static final int IOMMU_HW_INFO_TYPE_NONE = 0, IOMMU_HW_INFO_TYPE_INTEL_VTD = 1,
            IOMMU_HW_INFO_TYPE_ARM_SMMUV3 = 2;

    public static final Layout DESTROY = Layout.struct("iommu_destroy").u32("size").u32("id").build();
    public static final Layout IOAS_ALLOC = Layout.struct("iommu_ioas_alloc")
            .u32("size").u32("flags").out32("out_ioas_id").build();
    public static final Layout IOAS_MAP = Layout.struct("iommu_ioas_map")
            .u32("size").u32("flags").u32("ioas_id").u32("__reserved").u64("user_va").u64("length").out64("iova")
            .build();
    public static final Layout IOAS_UNMAP = Layout.struct("iommu_ioas_unmap")
            .u32("size").u32("ioas_id").u64("iova").out64("length").build();
    public static final Layout GET_HW_INFO = Layout.struct("iommu_hw_info")
            .u32("size").u32("flags").u32("dev_id").u32("data_len").u64("data_uptr").out32("out_data_type")
            .out8("out_max_pasid_log2").padTo(32).out64("out_capabilities").build();
    public static final Layout HWPT_ALLOC = Layout.struct("iommu_hwpt_alloc")
            .u32("size").u32("flags").u32("dev_id").u32("pt_id").out32("out_hwpt_id").u32("__reserved")
            .u32("data_type").u32("data_len").u64("data_uptr").u32("fault_id").u32("__reserved2").build();
    public static final Layout HWPT_INVALIDATE = Layout.struct("iommu_hwpt_invalidate")
            .u32("size").u32("hwpt_id").u64("data_uptr").u32("data_type").u32("entry_len").out32("entry_num")
            .u32("__reserved").build();
    public static final long IOMMU_HWPT_DIRTY_TRACKING_ENABLE = 1;
    public static final long IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR = 1;
    public static final Layout SET_DIRTY_TRACKING = Layout.struct("iommu_hwpt_set_dirty_tracking")
            .u32("size").u32("flags").u32("hwpt_id").u32("__reserved").build();
    public static final Layout GET_DIRTY_BITMAP = Layout.struct("iommu_hwpt_get_dirty_bitmap")
            .u32("size").u32("hwpt_id").u32("flags").u32("__reserved").u64("iova").u64("length").u64("page_size")
            .u64("data").build();
    public static final Layout VIOMMU_ALLOC = Layout.struct("iommu_viommu_alloc")
            .u32("size").u32("flags").u32("type").u32("dev_id").u32("hwpt_id").out32("out_viommu_id").build();
    public static final Layout VDEVICE_ALLOC = Layout.struct("iommu_vdevice_alloc")
            .u32("size").u32("viommu_id").u32("dev_id").out32("out_vdevice_id").u64("virt_id").build();
}
