package org.iommusim.vfio.iommufd;

import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

import org.iommusim.core.host.HostIommuDriver;
import org.iommusim.core.host.HwInfo;
import org.iommusim.core.host.InvalidationResult;
import org.iommusim.core.host.NestedDomain;
import org.iommusim.core.host.PagingDomain;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.uapi.Errno;
import org.iommusim.core.uapi.ErrnoException;
import org.iommusim.vfio.Call;
import org.iommusim.vfio.Device;
import org.iommusim.vfio.DmaMappings;
import org.iommusim.vfio.FrontEnd;
import org.iommusim.vfio.iommufd.IommufdObject.BoundDevice;
import org.iommusim.vfio.iommufd.IommufdObject.HwptNested;
import org.iommusim.vfio.iommufd.IommufdObject.HwptPaging;
import org.iommusim.vfio.iommufd.IommufdObject.Ioas;
import org.iommusim.vfio.iommufd.IommufdObject.Vdevice;
import org.iommusim.vfio.iommufd.IommufdObject.ViommuObject;

import static org.iommusim.vfio.uapi.IommufdUapi.*;
import static org.iommusim.vfio.uapi.VfioUapi.VFIO_DEVICE_ATTACH_PASID;

/**
 * One open /dev/iommu (drivers/iommu/iommufd/): IOAS, HWPT, vIOMMU, vDEVICE and device objects with IDs
 * from one allocator (the lowest free ID from 1), and the ioctls on them with the kernel's errno rules:
 * EINVAL a wrong field, EOPNOTSUPP an unsupported flag or type, ENOENT a missing object, EBUSY an object
 * in use, EEXIST a duplicate, EFAULT a user buffer shorter than the call says.
 */
public final class IommufdContext {
    private static final long PAGE = 4096;
    private static final long U64_MAX = -1L;
    /** offsetofend(struct iommu_hw_info, __reserved): the u8 out_max_pasid_log2 and three reserved bytes. */
    private static final int HW_INFO_MIN_SIZE = 32;
    /** offsetofend(struct iommu_hwpt_alloc, __reserved): the first version of the structure. */
    private static final int HWPT_ALLOC_MIN_SIZE = 24;

    private final FrontEnd kernel;
    private final HostIommuDriver driver;
    private final TreeMap<Integer, IommufdObject> objects = new TreeMap<>();

    public IommufdContext(FrontEnd kernel) {
        this.kernel = kernel;
        this.driver = kernel.driver();
    }

    private <T extends IommufdObject> T add(T o) {
        int id = 1;
        while (objects.containsKey(id)) {
            id++;
        }
        o.id = id;
        objects.put(id, o);
        return o;
    }

    private IommufdObject find(long id) throws ErrnoException {
        IommufdObject o = id > 0 && id <= Integer.MAX_VALUE ? objects.get((int) id) : null;
        if (o == null) {
            throw Errno.ENOENT.failure("no object " + id);
        }
        return o;
    }

    <T extends IommufdObject> T find(long id, Class<T> type) throws ErrnoException {
        IommufdObject o = find(id);
        if (!type.isInstance(o)) {
            throw Errno.ENOENT.failure("object " + id + " is not a " + type.getSimpleName());
        }
        return type.cast(o);
    }

    // ---- device calls (on a VFIO device handle) ----

    /** VFIO_DEVICE_BIND_IOMMUFD: the device gets a device object in the iommufd; out_devid is its ID. */
    public static void bindDevice(FrontEnd kernel, Device d, Call c) throws ErrnoException {
        c.checkArgsz("out_devid", 0);
        IommufdContext ctx = kernel.iommufd(c.get("iommufd"));
        if (d.container() != null) {
            throw Errno.EBUSY.failure("the device's group is in a type1 container");
        }
        if (d.iommufd() != null) {
            throw Errno.EINVAL.failure("the device is already bound");
        }
        BoundDevice b = ctx.add(new BoundDevice(d));
        b.users++; // held by the VFIO device until it is closed
        d.bind(ctx, b.id);
        c.out("out_devid", b.id);
    }

    private static BoundDevice bound(Device d) throws ErrnoException {
        if (d.iommufd() == null) {
            throw Errno.EINVAL.failure("the device is not bound to an iommufd");
        }
        return (BoundDevice) d.iommufd().objects.get(d.devId());
    }

    /**
     * VFIO_DEVICE_ATTACH_IOMMUFD_PT: to an IOAS (through an automatic paging HWPT, whose ID is written
     * back in pt_id), a paging HWPT or a nested HWPT; with VFIO_DEVICE_ATTACH_PASID, one PASID of it. An
     * attached device is moved (replace), as the kernel does.
     */
    public static void attachDevice(FrontEnd kernel, Device d, Call c) throws ErrnoException {
        c.checkArgsz("pt_id", VFIO_DEVICE_ATTACH_PASID);
        BoundDevice b = bound(d);
        IommufdContext ctx = d.iommufd();
        boolean withPasid = (c.get("flags") & VFIO_DEVICE_ATTACH_PASID) != 0;
        if (withPasid && c.get("argsz") < c.arg().layout().end("pasid")) {
            throw Errno.EINVAL.failure("argsz does not cover pasid");
        }
        int pasid = withPasid ? c.getInt("pasid") : TranslationRequest.NO_PASID;
        IommufdObject pt = ctx.find(c.get("pt_id"));
        IommufdObject target = pt instanceof Ioas ioas ? ctx.autoDomain(ioas) : pt;
        org.iommusim.core.host.Domain domain = target instanceof HwptPaging p ? p.domain
                : target instanceof HwptNested n ? n.domain : null;
        if (domain == null) {
            throw Errno.EINVAL.failure("object " + pt.id + " cannot be attached to");
        }
        try {
            if (withPasid) {
                ctx.driver.attachPasid(d.sid(), pasid, domain);
            } else {
                ctx.driver.attach(d.sid(), domain);
            }
        } catch (ErrnoException e) {
            ctx.dropIfUnusedAuto(target);
            throw e;
        }
        ctx.release(b.attached.put(pasid, target));
        target.users++;
        c.out("pt_id", target.id);
    }

    /** VFIO_DEVICE_DETACH_IOMMUFD_PT (of a PASID with the flag); detaching what is not attached is a no-op. */
    public static void detachDevice(FrontEnd kernel, Device d, Call c) throws ErrnoException {
        c.checkArgsz("flags", VFIO_DEVICE_ATTACH_PASID);
        BoundDevice b = bound(d);
        int pasid = (c.get("flags") & VFIO_DEVICE_ATTACH_PASID) != 0 ? c.getInt("pasid") : TranslationRequest.NO_PASID;
        IommufdObject was = b.attached.remove(pasid);
        if (was != null) {
            d.iommufd().driver.detach(d.sid(), pasid);
            d.iommufd().release(was);
        }
    }

    /** The IOAS's automatic paging HWPT (made on first attach, with the IOAS's mappings). */
    private HwptPaging autoDomain(Ioas ioas) throws ErrnoException {
        for (HwptPaging p : ioas.domains) {
            if (p.auto) {
                return p;
            }
        }
        return newPaging(ioas, false, false, true);
    }

    private HwptPaging newPaging(Ioas ioas, boolean nestParent, boolean dirty, boolean auto) throws ErrnoException {
        PagingDomain domain = driver.allocPaging(nestParent, dirty);
        for (DmaMappings.Mapping m : ioas.mappings.all()) {
            domain.map(m.iova(), m.pa(), m.size(), m.prot());
        }
        HwptPaging p = add(new HwptPaging(ioas, domain, auto));
        ioas.domains.add(p);
        ioas.users++;
        return p;
    }

    private void release(IommufdObject o) {
        if (o != null) {
            o.users--;
            dropIfUnusedAuto(o);
        }
    }

    /** An automatic HWPT goes away with its last attachment, as the kernel's does. */
    private void dropIfUnusedAuto(IommufdObject o) {
        if (o instanceof HwptPaging p && p.auto && p.users == 0) {
            remove(p);
        }
    }

    // ---- iommufd calls ----

    /** IOMMU_DESTROY: ENOENT for an unknown ID, EBUSY for an object something still uses. */
    public void destroy(Call c) throws ErrnoException {
        c.checkSize("id", 0);
        IommufdObject o = find(c.get("id"));
        if (o.users > 0) {
            throw Errno.EBUSY.failure("object " + o.id + " is in use");
        }
        remove(o);
    }

    private void remove(IommufdObject o) {
        objects.remove(o.id);
        if (o instanceof HwptPaging p) {
            p.ioas.domains.remove(p);
            p.ioas.users--;
            driver.free(p.domain);
        } else if (o instanceof HwptNested n) {
            n.owner.users--;
            driver.free(n.domain);
        } else if (o instanceof ViommuObject v) {
            v.parent.users--;
        } else if (o instanceof Vdevice vd) {
            vd.viommu.viommu.removeDevice(vd.device.device.sid());
            vd.viommu.byVirtualId.remove(vd.virtualId);
            vd.viommu.users--;
            vd.device.vdevice = null;
            vd.device.users--;
        }
    }

    public void ioasAlloc(Call c) throws ErrnoException {
        c.checkSize("out_ioas_id", 0);
        c.out("out_ioas_id", add(new Ioas()).id);
    }

    /**
     * IOMMU_IOAS_MAP: READABLE and/or WRITEABLE (EINVAL without either), at a FIXED_IOVA (EEXIST over an
     * existing area) or at the lowest free IOVA, which is written back; mapped into every paging domain
     * of the IOAS.
     */
    public void ioasMap(Call c) throws ErrnoException {
        c.checkSize("iova", IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE);
        Ioas ioas = find(c.get("ioas_id"), Ioas.class);
        long flags = c.get("flags");
        long length = c.get("length");
        long va = c.get("user_va");
        int prot = ((flags & IOMMU_IOAS_MAP_READABLE) != 0 ? PagingDomain.PROT_READ : 0)
                | ((flags & IOMMU_IOAS_MAP_WRITEABLE) != 0 ? PagingDomain.PROT_WRITE : 0);
        long limit = 1L << driver.iovaBits();
        if (c.get("__reserved") != 0) {
            throw Errno.EOPNOTSUPP.failure("IOAS_MAP: reserved field set");
        }
        if (prot == 0 || length == 0 || ((va | length) & (PAGE - 1)) != 0 || DmaMappings.wraps(va, length)) {
            throw Errno.EINVAL.failure("IOAS_MAP: permissions, length or alignment");
        }
        long iova;
        if ((flags & IOMMU_IOAS_MAP_FIXED_IOVA) != 0) {
            iova = c.get("iova");
            if ((iova & (PAGE - 1)) != 0 || DmaMappings.wraps(iova, length) || Long.compareUnsigned(iova + length, limit) > 0) {
                throw Errno.EINVAL.failure("IOAS_MAP: IOVA alignment or range");
            }
            if (ioas.mappings.overlaps(iova, length)) {
                throw Errno.EEXIST.failure("IOAS_MAP over an existing area");
            }
        } else {
            iova = ioas.mappings.findFree(PAGE, length, PAGE, limit); // never IOVA 0, as the kernel
            if (iova < 0) {
                throw Errno.ENOSPC.failure("no free IOVA range of that length");
            }
        }
        kernel.pin(va, length);
        for (HwptPaging p : ioas.domains) {
            p.domain.map(iova, va, length, prot);
        }
        ioas.mappings.add(new DmaMappings.Mapping(iova, length, va, prot));
        c.out("iova", iova);
    }

    /**
     * IOMMU_IOAS_UNMAP: iova 0 and length U64_MAX unmap everything; otherwise every area inside the range;
     * a range that cuts an area, or covers none, is ENOENT. length is written back.
     */
    public void ioasUnmap(Call c) throws ErrnoException {
        c.checkSize("length", 0);
        Ioas ioas = find(c.get("ioas_id"), Ioas.class);
        long iova = c.get("iova");
        long length = c.get("length");
        List<DmaMappings.Mapping> victims;
        if (iova == 0 && length == U64_MAX) {
            victims = ioas.mappings.all();
        } else {
            if (length == 0) {
                throw Errno.EINVAL.failure("IOAS_UNMAP: length 0");
            }
            if (DmaMappings.wraps(iova, length)) {
                throw Errno.EOVERFLOW.failure("IOAS_UNMAP: the range wraps");
            }
            victims = ioas.mappings.within(iova, length);
            if (victims == null || victims.isEmpty()) {
                throw Errno.ENOENT.failure("IOAS_UNMAP: the range cuts an area or covers none");
            }
        }
        long unmapped = 0;
        for (DmaMappings.Mapping m : victims) {
            for (HwptPaging p : ioas.domains) {
                p.domain.unmap(m.iova(), m.size());
            }
            ioas.mappings.remove(m);
            unmapped += m.size();
        }
        c.out("length", unmapped);
    }

    /**
     * IOMMU_GET_HW_INFO: the vendor data truncated to the user's data_len, or zero-filled past the
     * kernel's length; data_len is written back as the kernel's length. The returned buffer is
     * {@code data}.
     */
    public void getHwInfo(Call c) throws ErrnoException {
        c.checkSize(HW_INFO_MIN_SIZE, IOMMU_HW_INFO_FLAG_INPUT_TYPE);
        if ((c.arg().bytes()[29] | c.arg().bytes()[30] | c.arg().bytes()[31]) != 0) {
            throw Errno.EOPNOTSUPP.failure("__reserved bytes set");
        }
        find(c.get("dev_id"), BoundDevice.class);
        HwInfo info = driver.hwInfo();
        byte[] kernelData = info.data();
        int userLen = (int) Math.min(c.get("data_len"), 1 << 16);
        c.extra("data", Arrays.copyOf(kernelData, userLen));
        c.arg().put("data_len", kernelData.length);
        c.extra("data_len", (long) kernelData.length);
        c.out("out_data_type", info.type());
        c.out("out_max_pasid_log2", info.maxPasidLog2());
        c.out("out_capabilities", info.capabilities());
    }

    /**
     * IOMMU_HWPT_ALLOC: over an IOAS, a paging HWPT (NEST_PARENT: one nested HWPTs may use; no data);
     * over a nest-parent HWPT or a vIOMMU, a nested HWPT from the vendor data (flags must be 0).
     */
    public void hwptAlloc(Call c) throws ErrnoException {
        c.checkSize(HWPT_ALLOC_MIN_SIZE, IOMMU_HWPT_ALLOC_NEST_PARENT | IOMMU_HWPT_ALLOC_DIRTY_TRACKING
                | IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_PASID);
        long flags = c.get("flags");
        if ((flags & IOMMU_HWPT_FAULT_ID_VALID) != 0 || c.get("__reserved") != 0) {
            throw Errno.EOPNOTSUPP.failure("fault objects are not modelled");
        }
        find(c.get("dev_id"), BoundDevice.class);
        int type = c.getInt("data_type");
        byte[] data = userData(c, c.get("data_len"));
        if (type == IOMMU_HWPT_DATA_NONE && data.length != 0 || type != IOMMU_HWPT_DATA_NONE && data.length == 0) {
            throw Errno.EINVAL.failure("data_type and data_len disagree");
        }
        IommufdObject pt = objects.get((int) Math.min(c.get("pt_id"), Integer.MAX_VALUE));
        if (pt == null) {
            throw Errno.EINVAL.failure("no object " + c.get("pt_id") + " to allocate a HWPT on");
        }
        IommufdObject made;
        if (pt instanceof Ioas ioas) {
            if (type != IOMMU_HWPT_DATA_NONE) {
                throw Errno.EOPNOTSUPP.failure("the driver allocates paging HWPTs without user data");
            }
            if ((flags & IOMMU_HWPT_ALLOC_NEST_PARENT) != 0 && (flags & IOMMU_HWPT_FAULT_ID_VALID) != 0) {
                throw Errno.EOPNOTSUPP.failure("a nest parent takes no fault object");
            }
            boolean nestParent = (flags & IOMMU_HWPT_ALLOC_NEST_PARENT) != 0;
            if (nestParent && !driver.iommufdNesting()) {
                throw Errno.EOPNOTSUPP.failure("the IOMMU driver offers iommufd no nest parent");
            }
            made = newPaging(ioas, nestParent, (flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING) != 0, false);
        } else if (pt instanceof HwptPaging parent) {
            if (flags != 0 || type == IOMMU_HWPT_DATA_NONE) {
                throw Errno.EOPNOTSUPP.failure("a nested HWPT takes vendor data and no flags");
            }
            if (parent.auto || !parent.domain.nestParent()) {
                throw Errno.EINVAL.failure("the parent HWPT is not a nest parent");
            }
            made = nested(parent, driver.allocNested(parent.domain, type, data));
        } else if (pt instanceof ViommuObject v) {
            if (flags != 0 || type == IOMMU_HWPT_DATA_NONE) {
                throw Errno.EOPNOTSUPP.failure("a nested HWPT takes vendor data and no flags");
            }
            made = nested(v, v.viommu.allocNested(type, data));
        } else {
            throw Errno.EINVAL.failure("object " + pt.id + " cannot hold a HWPT");
        }
        c.out("out_hwpt_id", made.id);
    }

    private HwptNested nested(IommufdObject owner, NestedDomain domain) {
        owner.users++;
        return add(new HwptNested(owner, domain));
    }

    private static byte[] userData(Call c, long length) throws ErrnoException {
        byte[] data = c.data();
        if (length > data.length) {
            throw Errno.EFAULT.failure("the user buffer has " + data.length + " bytes, the call says " + length);
        }
        return Arrays.copyOf(data, (int) length);
    }

    /**
     * IOMMU_HWPT_INVALIDATE on a nested HWPT or a vIOMMU: entry_num entries of entry_len bytes, handled
     * in order; entry_num is written back as the number handled, also on error.
     */
    public void hwptInvalidate(Call c) throws ErrnoException {
        c.checkSize("__reserved", 0);
        long num = c.get("entry_num");
        c.out("entry_num", 0);
        try {
            invalidate(c, num);
        } catch (ErrnoException e) {
            c.failAfterWriteback(e.errno());
        }
    }

    private void invalidate(Call c, long num) throws ErrnoException {
        long len = c.get("entry_len");
        if (c.get("__reserved") != 0) {
            throw Errno.EOPNOTSUPP.failure("reserved field set");
        }
        if (num != 0 && len == 0 || num > 1 << 16 || len > 1 << 12) {
            throw Errno.EINVAL.failure("entry_len 0 with entries, or an oversized array");
        }
        byte[] entries = userData(c, num * len);
        IommufdObject o = find(c.get("hwpt_id"));
        InvalidationResult r;
        if (o instanceof HwptNested n) {
            r = n.domain.invalidateUser(c.getInt("data_type"), entries, (int) len, (int) num);
        } else if (o instanceof ViommuObject v) {
            r = v.viommu.invalidateUser(c.getInt("data_type"), entries, (int) len, (int) num);
        } else {
            throw Errno.EINVAL.failure("object " + o.id + " takes no invalidation");
        }
        c.out("entry_num", r.handled());
        if (r.errno() != null) {
            c.failAfterWriteback(r.errno());
        }
    }

    /** IOMMU_VIOMMU_ALLOC over a nest-parent HWPT: the VM's slice of the IOMMU (its VMID). */
    public void viommuAlloc(Call c) throws ErrnoException {
        c.checkSize("out_viommu_id", 0);
        if (c.get("type") == IOMMU_VIOMMU_TYPE_DEFAULT) {
            throw Errno.EOPNOTSUPP.failure("IOMMU_VIOMMU_TYPE_DEFAULT is not a vIOMMU type");
        }
        find(c.get("dev_id"), BoundDevice.class);
        HwptPaging parent = find(c.get("hwpt_id"), HwptPaging.class);
        if (parent.auto || !parent.domain.nestParent()) {
            throw Errno.EINVAL.failure("a vIOMMU needs a nest-parent HWPT");
        }
        ViommuObject v = add(new ViommuObject(parent, driver.allocViommu(parent.domain, c.getInt("type"))));
        parent.users++;
        c.out("out_viommu_id", v.id);
    }

    /** IOMMU_VDEVICE_ALLOC: the device as the guest knows it (its virtual StreamID); EEXIST for a duplicate. */
    public void vdeviceAlloc(Call c) throws ErrnoException {
        c.checkSize("virt_id", 0);
        ViommuObject v = find(c.get("viommu_id"), ViommuObject.class);
        BoundDevice b = find(c.get("dev_id"), BoundDevice.class);
        long virt = c.get("virt_id");
        if (b.vdevice != null || v.byVirtualId.containsKey(virt)) {
            throw Errno.EEXIST.failure("the device or its virtual ID already has a vDEVICE");
        }
        v.viommu.addDevice(b.device.sid(), virt);
        Vdevice vd = add(new Vdevice(v, b, virt));
        v.byVirtualId.put(virt, vd);
        b.vdevice = vd;
        v.users++;
        b.users++;
        c.out("out_vdevice_id", vd.id);
    }
}
