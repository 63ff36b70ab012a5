package org.iommusim.vfio.iommufd;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.iommusim.core.host.NestedDomain;
import org.iommusim.core.host.PagingDomain;
import org.iommusim.core.host.Viommu;
import org.iommusim.vfio.Device;
import org.iommusim.vfio.DmaMappings;

/**
 * The objects of one iommufd (drivers/iommu/iommufd/iommufd_private.h): each has an ID from the
 * iommufd's shared allocator and a count of the objects and attachments that use it; IOMMU_DESTROY
 * refuses an object that is still used (EBUSY).
 */
abstract sealed class IommufdObject {
    int id;
    int users;

    /** An I/O address space: the mappings, and the paging domains that hold them. */
    static final class Ioas extends IommufdObject {
        final DmaMappings mappings = new DmaMappings();
        final List<HwptPaging> domains = new ArrayList<>();
    }

    /** A paging HWPT over an IOAS; {@code auto} when made by an attach to the IOAS itself. */
    static final class HwptPaging extends IommufdObject {
        final Ioas ioas;
        final PagingDomain domain;
        final boolean auto;

        HwptPaging(Ioas ioas, PagingDomain domain, boolean auto) {
            this.ioas = ioas;
            this.domain = domain;
            this.auto = auto;
        }
    }

    /** A nested HWPT: a guest stage 1 over a nest parent, directly or through a vIOMMU. */
    static final class HwptNested extends IommufdObject {
        final IommufdObject owner;
        final NestedDomain domain;

        HwptNested(IommufdObject owner, NestedDomain domain) {
            this.owner = owner;
            this.domain = domain;
        }
    }

    static final class ViommuObject extends IommufdObject {
        final HwptPaging parent;
        final Viommu viommu;
        final Map<Long, Vdevice> byVirtualId = new HashMap<>();

        ViommuObject(HwptPaging parent, Viommu viommu) {
            this.parent = parent;
            this.viommu = viommu;
        }
    }

    static final class Vdevice extends IommufdObject {
        final ViommuObject viommu;
        final BoundDevice device;
        final long virtualId;

        Vdevice(ViommuObject viommu, BoundDevice device, long virtualId) {
            this.viommu = viommu;
            this.device = device;
            this.virtualId = virtualId;
        }
    }

    /** A device bound with VFIO_DEVICE_BIND_IOMMUFD, and what each of its PASIDs is attached to. */
    static final class BoundDevice extends IommufdObject {
        final Device device;
        final Map<Integer, IommufdObject> attached = new HashMap<>();
        Vdevice vdevice;

        BoundDevice(Device device) {
            this.device = device;
        }
    }
}
