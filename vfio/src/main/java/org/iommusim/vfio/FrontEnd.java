package org.iommusim.vfio;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.iommusim.core.host.HostDrivers;
import org.iommusim.core.host.HostIommuDriver;
import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.uapi.Errno;
import org.iommusim.core.uapi.ErrnoException;
import org.iommusim.core.uapi.Layout;
import org.iommusim.core.uapi.UserStruct;
import org.iommusim.vfio.iommufd.IommufdContext;
import org.iommusim.vfio.type1.Container;
import org.iommusim.vfio.type1.PasidSpace;

/**
 * The kernel side of VFIO and iommufd for one simulated machine: it owns the vendor's host driver (found
 * through {@link HostDrivers}, so no vendor class is named here), hands out container, device and
 * iommufd handles, and answers ioctls the way Linux does, with out-fields or an errno. User space's
 * memory is host memory mapped 1:1, so a {@code vaddr} is a host-physical address.
 *
 * <p>The host driver's own tables and queues live in {@link #kernelStart()}..{@link #kernelEnd()}; user
 * space cannot map that range.
 */
public final class FrontEnd {
    /** Which kind of handle an ioctl goes to. */
    public enum HandleKind { CONTAINER, DEVICE, IOMMUFD }

    private static final long KERNEL_START = 0x70_0000_0000L;
    private static final long KERNEL_END = 0x78_0000_0000L;

    private final Iommu iommu;
    private final HostIommuDriver driver;
    private final long kernelStart;
    private final long kernelEnd;
    private final PasidSpace pasids;
    private final List<Container> containers = new ArrayList<>();
    private final List<Device> devices = new ArrayList<>();
    private final List<IommufdContext> iommufds = new ArrayList<>();

    /** Boots the kernel on {@code iommu}: its host driver resets and enables the unit. */
    public FrontEnd(Iommu iommu) throws ErrnoException {
        this.iommu = iommu;
        HostDrivers.Provider p = HostDrivers.find(iommu.kind()).orElseThrow(
                () -> Errno.ENODEV.failure("no host driver for machine kind " + iommu.kind()));
        int bits = iommu.memory().addressBits();
        kernelStart = bits >= 40 ? KERNEL_START : (1L << bits) - (1L << (bits - 3));
        kernelEnd = bits >= 40 ? KERNEL_END : (1L << bits);
        this.driver = p.create(iommu, kernelStart, kernelEnd);
        this.pasids = new PasidSpace(driver.nesting().pasidBits());
    }

    public Iommu iommu() {
        return iommu;
    }

    public HostIommuDriver driver() {
        return driver;
    }

    public PasidSpace pasids() {
        return pasids;
    }

    public long kernelStart() {
        return kernelStart;
    }

    public long kernelEnd() {
        return kernelEnd;
    }

    /**
     * "Pins" user memory: the range must exist in host memory and lie outside the kernel's own pages
     * (EFAULT otherwise, as for an address the process has not mapped).
     */
    public void pin(long vaddr, long size) throws ErrnoException {
        PhysicalMemory m = iommu.memory();
        if (!m.inRange(vaddr, size) || vaddr < kernelEnd && vaddr + size > kernelStart) {
            throw Errno.EFAULT.failure("user range 0x" + Long.toHexString(vaddr) + "+0x" + Long.toHexString(size)
                    + " is not mapped in the VMM");
        }
    }

    // ---- handles ----

    /** open("/dev/vfio/vfio"): returns the container handle (from 1). */
    public int openContainer() {
        containers.add(new Container(this));
        return containers.size();
    }

    /** Opens the VFIO device of {@code sid}: returns the device handle (from 1). */
    public int openDevice(int sid) throws ErrnoException {
        for (Device d : devices) {
            if (d.sid() == sid) {
                throw Errno.EBUSY.failure("device " + sid + " is already open");
            }
        }
        devices.add(new Device(sid));
        return devices.size();
    }

    /** open("/dev/iommu"): returns the iommufd handle (from 1). */
    public int openIommufd() {
        iommufds.add(new IommufdContext(this));
        return iommufds.size();
    }

    public Container container(long handle) throws ErrnoException {
        return handle(containers, handle);
    }

    public Device device(long handle) throws ErrnoException {
        return handle(devices, handle);
    }

    public IommufdContext iommufd(long handle) throws ErrnoException {
        return handle(iommufds, handle);
    }

    private static <T> T handle(List<T> list, long handle) throws ErrnoException {
        if (handle < 1 || handle > list.size()) {
            throw Errno.EBADF.failure("no such handle " + handle);
        }
        return list.get((int) handle - 1);
    }

    // ---- ioctls ----

    /**
     * Runs one ioctl. {@code fields} are the argument structure's fields as user space set them (fields
     * not given are zero; {@code argsz}/{@code size} are filled in unless given); {@code data} is the
     * payload. An ioctl name the front end does not know at all is an {@link IllegalArgumentException}
     * (a script's error, not user space's); one the handle's kind does not know is ENOTTY.
     */
    public IoctlResult ioctl(String name, HandleKind kind, long handle, Map<String, Long> fields, byte[] data) {
        Ioctls.Definition def = Ioctls.find(name).orElseThrow(
                () -> new IllegalArgumentException("unknown ioctl " + name));
        try {
            Object target = switch (kind) {
                case CONTAINER -> container(handle);
                case DEVICE -> device(handle);
                case IOMMUFD -> iommufd(handle);
            };
            if (def.kind() != kind) {
                return IoctlResult.failed(Errno.ENOTTY);
            }
            UserStruct arg = UserStruct.zeroed(def.layout());
            fillSize(def, arg, fields, data);
            for (Map.Entry<String, Long> f : fields.entrySet()) {
                arg.put(f.getKey(), f.getValue());
            }
            Call call = new Call(name, arg, data);
            def.handler().handle(this, target, call);
            return call.result();
        } catch (ErrnoException e) {
            return IoctlResult.failed(e.errno());
        }
    }

    /**
     * What user space would have written: a vfio structure's {@code argsz} (with a payload that follows
     * it), an iommufd structure's {@code size} (its first field), and {@code data_len}.
     */
    private static void fillSize(Ioctls.Definition def, UserStruct arg, Map<String, Long> fields, byte[] data) {
        Layout layout = def.layout();
        String sizeField = def.kind() == HandleKind.IOMMUFD ? "size" : "argsz";
        if (layout.field(sizeField).isPresent() && !fields.containsKey(sizeField)) {
            arg.put(sizeField, layout.size() + (def.payloadInArgsz() ? data.length : 0));
        }
        if (layout.field("data_len").isPresent() && !fields.containsKey("data_len")) {
            arg.put("data_len", data.length);
        }
    }
}
