package org.iommusim.vfio.uapi;

import org.iommusim.core.host.type1.CacheInvalidateInfo;
import org.iommusim.core.host.type1.PasidTableConfig;
import org.iommusim.core.uapi.Layout;

/**
 * The argument structures and constants of include/uapi/linux/vfio.h that the front end implements:
 * the type1 container API, the 2020 nesting proposal's additions (PASID_REQUEST, NESTING_OP,
 * SET_PASID_TABLE, CACHE_INVALIDATE and the NESTING capability, with the field layouts of the last
 * versions of Yi Liu's and Eric Auger's series), and the cdev calls that bind a device to an iommufd.
 */
public final class VfioUapi {
    private VfioUapi() {
    }

    public static final int VFIO_API_VERSION = 0;

    // VFIO_CHECK_EXTENSION / VFIO_SET_IOMMU arguments
    public static final int VFIO_TYPE1_IOMMU = 1;
    public static final int VFIO_TYPE1v2_IOMMU = 3;
    public static final int VFIO_DMA_CC_IOMMU = 4;
    public static final int VFIO_TYPE1_NESTING_IOMMU = 6;
    public static final int VFIO_UNMAP_ALL = 9;

    public static final long VFIO_DMA_MAP_FLAG_READ = 1, VFIO_DMA_MAP_FLAG_WRITE = 1 << 1;
    public static final long VFIO_DMA_UNMAP_FLAG_ALL = 1 << 1;
    public static final long VFIO_IOMMU_INFO_PGSIZES = 1, VFIO_IOMMU_INFO_CAPS = 1 << 1;
    public static final int VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE = 1;
    public static final int VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL = 3;
    public static final int VFIO_IOMMU_TYPE1_INFO_CAP_NESTING = 4;
    public static final long VFIO_IOMMU_FLAG_ALLOC_PASID = 1, VFIO_IOMMU_FLAG_FREE_PASID = 1 << 1;
    public static final long VFIO_NESTING_OP_MASK = 0xFFFF;
    public static final int VFIO_IOMMU_NESTING_OP_BIND_PGTBL = 0;
    public static final int VFIO_IOMMU_NESTING_OP_UNBIND_PGTBL = 1;
    public static final int VFIO_IOMMU_NESTING_OP_CACHE_INVLD = 2;
    public static final long VFIO_PASID_TABLE_FLAG_SET = 1, VFIO_PASID_TABLE_FLAG_UNSET = 1 << 1;
    public static final long VFIO_DEVICE_ATTACH_PASID = 1;

    /** The scalar argument of VFIO_CHECK_EXTENSION and VFIO_SET_IOMMU. */
    public static final Layout SCALAR = Layout.struct("int").u32("arg").build();
    /** VFIO_GROUP_SET_CONTAINER's argument: the container's file descriptor. */
    public static final Layout CONTAINER_FD = Layout.struct("int").u32("container").build();
    public static final Layout NONE = Layout.struct("void").build();

    public static final Layout IOMMU_TYPE1_INFO = Layout.struct("vfio_iommu_type1_info")
            .out32("argsz").out32("flags").out64("iova_pgsizes").out32("cap_offset").u32("pad").build();
    public static final Layout DMA_MAP = Layout.struct("vfio_iommu_type1_dma_map")
            .u32("argsz").u32("flags").u64("vaddr").u64("iova").u64("size").build();
    public static final Layout DMA_UNMAP = Layout.struct("vfio_iommu_type1_dma_unmap")
            .u32("argsz").u32("flags").u64("iova").out64("size").build();
    public static final Layout PASID_REQUEST = Layout.struct("vfio_iommu_type1_pasid_request")
            .u32("argsz").u32("flags").begin("range").u32("min").u32("max").end().build();
    /** Followed by {@code data[]}: an iommu_gpasid_bind_data or an iommu_cache_invalidate_info. */
    public static final Layout NESTING_OP = Layout.struct("vfio_iommu_type1_nesting_op")
            .u32("argsz").u32("flags").build();
    public static final Layout SET_PASID_TABLE = Layout.struct("vfio_iommu_type1_set_pasid_table")
            .u32("argsz").u32("flags").embed("config", PasidTableConfig.LAYOUT).build();
    public static final Layout CACHE_INVALIDATE = Layout.struct("vfio_iommu_type1_cache_invalidate")
            .u32("argsz").u32("flags").embed("info", CacheInvalidateInfo.LAYOUT).build();

    public static final Layout DEVICE_BIND_IOMMUFD = Layout.struct("vfio_device_bind_iommufd")
            .u32("argsz").u32("flags").u32("iommufd").out32("out_devid").build();
    public static final Layout DEVICE_ATTACH_IOMMUFD_PT = Layout.struct("vfio_device_attach_iommufd_pt")
            .u32("argsz").u32("flags").out32("pt_id").u32("pasid").build();
    public static final Layout DEVICE_DETACH_IOMMUFD_PT = Layout.struct("vfio_device_detach_iommufd_pt")
            .u32("argsz").u32("flags").u32("pasid").build();
}
