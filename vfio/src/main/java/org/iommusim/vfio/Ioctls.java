package org.iommusim.vfio;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.iommusim.core.uapi.ErrnoException;
import org.iommusim.core.uapi.Layout;
import org.iommusim.vfio.iommufd.DirtyTracking;
import org.iommusim.vfio.iommufd.IommufdContext;
import org.iommusim.vfio.type1.Container;
import org.iommusim.vfio.uapi.IommufdUapi;
import org.iommusim.vfio.uapi.VfioUapi;

/** Every ioctl the front end answers: its uAPI name, the handle kind it goes to, its argument layout. */
public final class Ioctls {
    /** Runs one call on its target (a Container, a Device or an IommufdContext). */
    interface Handler {
        void handle(FrontEnd kernel, Object target, Call call) throws ErrnoException;
    }

    /**
     * @param payloadInArgsz the payload follows the structure and argsz counts it ({@code data[]} of
     *                       VFIO_IOMMU_NESTING_OP); otherwise it sits behind a pointer
     */
    public record Definition(String name, FrontEnd.HandleKind kind, Layout layout, boolean payloadInArgsz,
                             Handler handler) {
    }

    private static final Map<String, Definition> ALL = new LinkedHashMap<>();

    static {
        container("VFIO_GET_API_VERSION", VfioUapi.NONE, Container::getApiVersion);
        container("VFIO_CHECK_EXTENSION", VfioUapi.SCALAR, Container::checkExtension);
        container("VFIO_SET_IOMMU", VfioUapi.SCALAR, Container::setIommu);
        container("VFIO_IOMMU_GET_INFO", VfioUapi.IOMMU_TYPE1_INFO, Container::getInfo);
        container("VFIO_IOMMU_MAP_DMA", VfioUapi.DMA_MAP, Container::mapDma);
        container("VFIO_IOMMU_UNMAP_DMA", VfioUapi.DMA_UNMAP, Container::unmapDma);
        container("VFIO_IOMMU_PASID_REQUEST", VfioUapi.PASID_REQUEST, Container::pasidRequest);
        ALL.put("VFIO_IOMMU_NESTING_OP", new Definition("VFIO_IOMMU_NESTING_OP", FrontEnd.HandleKind.CONTAINER,
                VfioUapi.NESTING_OP, true, (k, t, call) -> ((Container) t).nestingOp(call)));
        container("VFIO_IOMMU_SET_PASID_TABLE", VfioUapi.SET_PASID_TABLE, Container::setPasidTable);
        container("VFIO_IOMMU_CACHE_INVALIDATE", VfioUapi.CACHE_INVALIDATE, Container::cacheInvalidate);

        device("VFIO_GROUP_SET_CONTAINER", VfioUapi.CONTAINER_FD,
                (k, d, call) -> k.container(call.get("container")).addDevice(d));
        device("VFIO_DEVICE_BIND_IOMMUFD", VfioUapi.DEVICE_BIND_IOMMUFD, IommufdContext::bindDevice);
        device("VFIO_DEVICE_ATTACH_IOMMUFD_PT", VfioUapi.DEVICE_ATTACH_IOMMUFD_PT, IommufdContext::attachDevice);
        device("VFIO_DEVICE_DETACH_IOMMUFD_PT", VfioUapi.DEVICE_DETACH_IOMMUFD_PT, IommufdContext::detachDevice);

        iommufd("IOMMU_DESTROY", IommufdUapi.DESTROY, IommufdContext::destroy);
        iommufd("IOMMU_IOAS_ALLOC", IommufdUapi.IOAS_ALLOC, IommufdContext::ioasAlloc);
        iommufd("IOMMU_IOAS_MAP", IommufdUapi.IOAS_MAP, IommufdContext::ioasMap);
        iommufd("IOMMU_IOAS_UNMAP", IommufdUapi.IOAS_UNMAP, IommufdContext::ioasUnmap);
        iommufd("IOMMU_GET_HW_INFO", IommufdUapi.GET_HW_INFO, IommufdContext::getHwInfo);
        iommufd("IOMMU_HWPT_ALLOC", IommufdUapi.HWPT_ALLOC, IommufdContext::hwptAlloc);
        iommufd("IOMMU_HWPT_INVALIDATE", IommufdUapi.HWPT_INVALIDATE, IommufdContext::hwptInvalidate);
        iommufd("IOMMU_HWPT_SET_DIRTY_TRACKING", IommufdUapi.SET_DIRTY_TRACKING, DirtyTracking::set);
        iommufd("IOMMU_HWPT_GET_DIRTY_BITMAP", IommufdUapi.GET_DIRTY_BITMAP, DirtyTracking::bitmap);
        iommufd("IOMMU_VIOMMU_ALLOC", IommufdUapi.VIOMMU_ALLOC, IommufdContext::viommuAlloc);
        iommufd("IOMMU_VDEVICE_ALLOC", IommufdUapi.VDEVICE_ALLOC, IommufdContext::vdeviceAlloc);
    }

    private Ioctls() {
    }

    interface On<T> {
        void handle(T target, Call call) throws ErrnoException;
    }

    interface OnDevice {
        void handle(FrontEnd kernel, Device device, Call call) throws ErrnoException;
    }

    private static void container(String name, Layout layout, On<Container> h) {
        ALL.put(name, new Definition(name, FrontEnd.HandleKind.CONTAINER, layout, false,
                (k, t, call) -> h.handle((Container) t, call)));
    }

    private static void device(String name, Layout layout, OnDevice h) {
        ALL.put(name, new Definition(name, FrontEnd.HandleKind.DEVICE, layout, false,
                (k, t, call) -> h.handle(k, (Device) t, call)));
    }

    private static void iommufd(String name, Layout layout, On<IommufdContext> h) {
        ALL.put(name, new Definition(name, FrontEnd.HandleKind.IOMMUFD, layout, false,
                (k, t, call) -> h.handle((IommufdContext) t, call)));
    }

    public static Optional<Definition> find(String name) {
        return Optional.ofNullable(ALL.get(name));
    }

    public static Map<String, Definition> all() {
        return java.util.Collections.unmodifiableMap(ALL);
    }
}
