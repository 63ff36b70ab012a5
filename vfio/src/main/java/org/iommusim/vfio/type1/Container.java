package org.iommusim.vfio.type1;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.iommusim.core.host.HostIommuDriver;
import org.iommusim.core.host.NestingCapabilities;
import org.iommusim.core.host.PagingDomain;
import org.iommusim.core.host.type1.CacheInvalidateInfo;
import org.iommusim.core.host.type1.GpasidBindData;
import org.iommusim.core.uapi.Errno;
import org.iommusim.core.uapi.ErrnoException;
import org.iommusim.vfio.Call;
import org.iommusim.vfio.Device;
import org.iommusim.vfio.DmaMappings;
import org.iommusim.vfio.FrontEnd;

import static org.iommusim.vfio.uapi.VfioUapi.*;

/**
 * A VFIO container with the type1 IOMMU driver (drivers/vfio/vfio_iommu_type1.c), and the 2020 nesting
 * proposal's calls on it: one paging domain shared by every device of the container (a nest parent
 * for VFIO_TYPE1_NESTING_IOMMU), MAP_DMA / UNMAP_DMA into it, PASIDs from the system-wide space, and the
 * guest's binds and invalidations passed to the host driver for every device of the container.
 */
public final class Container {
    /** The type1 driver's default limit of DMA mappings per container (dma_entry_limit). */
    static final int DMA_ENTRY_LIMIT = 65535;
    private static final long PAGE = 4096;

    private final FrontEnd kernel;
    private final HostIommuDriver driver;
    private final List<Device> devices = new ArrayList<>();
    private final DmaMappings mappings = new DmaMappings();
    private int type;
    private PagingDomain domain;

    public Container(FrontEnd kernel) {
        this.kernel = kernel;
        this.driver = kernel.driver();
    }

    /** VFIO_GROUP_SET_CONTAINER: the device's group joins; with an IOMMU set it is attached at once. */
    public void addDevice(Device d) throws ErrnoException {
        if (d.container() != null) {
            throw Errno.EINVAL.failure("the group is already in a container");
        }
        if (d.iommufd() != null) {
            throw Errno.EBUSY.failure("the device is bound to an iommufd");
        }
        if (domain != null) {
            driver.attach(d.sid(), domain);
        }
        devices.add(d);
        d.joinContainer(this);
    }

    public void getApiVersion(Call c) {
        c.ret(VFIO_API_VERSION);
    }

    /** VFIO_CHECK_EXTENSION: 1 for what the type1 driver offers on this hardware. */
    public void checkExtension(Call c) {
        long arg = c.get("arg");
        boolean yes = arg == VFIO_TYPE1_IOMMU || arg == VFIO_TYPE1v2_IOMMU || arg == VFIO_DMA_CC_IOMMU
                || arg == VFIO_UNMAP_ALL || arg == VFIO_TYPE1_NESTING_IOMMU && driver.nesting().nesting();
        c.ret(yes ? 1 : 0);
    }

    /**
     * VFIO_SET_IOMMU: EINVAL without a group, EBUSY when already set, ENODEV for a type no driver (or, for
     * nesting, the hardware) supports.
     */
    public void setIommu(Call c) throws ErrnoException {
        long arg = c.get("arg");
        if (devices.isEmpty()) {
            throw Errno.EINVAL.failure("no group in the container");
        }
        if (type != 0) {
            throw Errno.EBUSY.failure("the container already has an IOMMU driver");
        }
        boolean nesting = arg == VFIO_TYPE1_NESTING_IOMMU;
        if (arg != VFIO_TYPE1_IOMMU && arg != VFIO_TYPE1v2_IOMMU && !(nesting && driver.nesting().nesting())) {
            throw Errno.ENODEV.failure("IOMMU type " + arg + " is not available");
        }
        PagingDomain d = driver.allocPaging(nesting);
        List<Device> done = new ArrayList<>();
        try {
            for (Device dev : devices) {
                driver.attach(dev.sid(), d);
                done.add(dev);
            }
        } catch (ErrnoException e) {
            for (Device dev : done) {
                driver.detach(dev.sid(), org.iommusim.core.request.TranslationRequest.NO_PASID);
            }
            throw e;
        }
        domain = d;
        type = (int) arg;
    }

    private void requireIommu() throws ErrnoException {
        if (type == 0) {
            throw Errno.EINVAL.failure("VFIO_SET_IOMMU has not been called");
        }
    }

    private void requireNesting() throws ErrnoException {
        requireIommu();
        if (type != VFIO_TYPE1_NESTING_IOMMU) {
            throw Errno.EOPNOTSUPP.failure("the container is not VFIO_TYPE1_NESTING_IOMMU");
        }
    }

    private long iovaLimit() {
        return 1L << driver.iovaBits();
    }

    /**
     * VFIO_IOMMU_GET_INFO with its capability chain: the IOVA range, the DMA mappings still available and,
     * on a nesting container, the NESTING capability. When argsz is too small for the chain the kernel
     * writes the size it needs into argsz and leaves cap_offset 0.
     */
    public void getInfo(Call c) throws ErrnoException {
        requireIommu();
        c.checkArgsz("iova_pgsizes", ~0L);
        c.out("flags", VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS);
        c.out("iova_pgsizes", driver.pageSizes());
        boolean nesting = type == VFIO_TYPE1_NESTING_IOMMU;
        int needed = InfoCapabilities.size(nesting);
        if (c.get("argsz") < needed) {
            c.out("argsz", needed);
            c.out("cap_offset", 0);
            return;
        }
        c.out("cap_offset", InfoCapabilities.FIRST);
        c.extra("cap.iova_range.nr_iovas", 1L);
        c.extra("cap.iova_range.iova_ranges[0].start", 0L);
        c.extra("cap.iova_range.iova_ranges[0].end", iovaLimit() - 1);
        c.extra("cap.dma_avail.avail", (long) (DMA_ENTRY_LIMIT - mappings.count()));
        if (nesting) {
            NestingCapabilities n = driver.nesting();
            c.extra("cap.nesting.info.argsz", (long) InfoCapabilities.NESTING_INFO_SIZE);
            c.extra("cap.nesting.info.format", (long) n.format());
            c.extra("cap.nesting.info.features", (long) n.features());
            c.extra("cap.nesting.info.addr_width", (long) n.addrWidth());
            c.extra("cap.nesting.info.pasid_bits", (long) n.pasidBits());
            for (Map.Entry<String, Long> v : new java.util.TreeMap<>(n.vendor()).entrySet()) {
                c.extra("cap.nesting.info.vendor." + v.getKey(), v.getValue());
            }
        }
    }

    /**
     * VFIO_IOMMU_MAP_DMA: EINVAL for a short argsz, unknown flags, no permission, a zero or unaligned size
     * or address, or an IOVA beyond the domain's aperture; ENOSPC past dma_entry_limit; EEXIST over an
     * existing mapping; EFAULT for user memory the VMM does not have.
     */
    public void mapDma(Call c) throws ErrnoException {
        requireIommu();
        c.checkArgsz("size", VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
        long iova = c.get("iova");
        long vaddr = c.get("vaddr");
        long size = c.get("size");
        int prot = (int) (c.get("flags") & (VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE));
        if (prot == 0 || size == 0 || ((iova | vaddr | size) & (PAGE - 1)) != 0 || DmaMappings.wraps(iova, size)
                || DmaMappings.wraps(vaddr, size) || Long.compareUnsigned(iova + size, iovaLimit()) > 0) {
            throw Errno.EINVAL.failure("MAP_DMA: permission, size, alignment or range");
        }
        if (mappings.count() >= DMA_ENTRY_LIMIT) {
            throw Errno.ENOSPC.failure("dma_entry_limit reached");
        }
        if (mappings.overlaps(iova, size)) {
            throw Errno.EEXIST.failure("MAP_DMA over an existing mapping");
        }
        kernel.pin(vaddr, size);
        domain.map(iova, vaddr, size, prot);
        mappings.add(new DmaMappings.Mapping(iova, size, vaddr, prot));
    }

    /**
     * VFIO_IOMMU_UNMAP_DMA: unmaps every mapping inside the range (all of them with
     * VFIO_DMA_UNMAP_FLAG_ALL and a zero range); a range that cuts a mapping in two is EINVAL (type1v2).
     * Writes back the bytes unmapped in {@code size}.
     */
    public void unmapDma(Call c) throws ErrnoException {
        requireIommu();
        c.checkArgsz("size", VFIO_DMA_UNMAP_FLAG_ALL);
        long iova = c.get("iova");
        long size = c.get("size");
        boolean all = (c.get("flags") & VFIO_DMA_UNMAP_FLAG_ALL) != 0;
        List<DmaMappings.Mapping> victims;
        if (all) {
            if (iova != 0 || size != 0) {
                throw Errno.EINVAL.failure("UNMAP_DMA with FLAG_ALL needs iova = size = 0");
            }
            victims = mappings.all();
        } else {
            if (size == 0 || ((iova | size) & (PAGE - 1)) != 0 || DmaMappings.wraps(iova, size)) {
                throw Errno.EINVAL.failure("UNMAP_DMA: size or alignment");
            }
            victims = mappings.within(iova, size);
            if (victims == null) {
                throw Errno.EINVAL.failure("UNMAP_DMA would split a mapping");
            }
        }
        long unmapped = 0;
        for (DmaMappings.Mapping m : victims) {
            domain.unmap(m.iova(), m.size());
            mappings.remove(m);
            unmapped += m.size();
        }
        c.out("size", unmapped);
    }

    /**
     * VFIO_IOMMU_PASID_REQUEST: exactly one of ALLOC / FREE (EINVAL otherwise); only where the hardware
     * has a system-wide PASID space (EOPNOTSUPP on Arm, whose PASID spaces are per VM). ALLOC returns the
     * PASID.
     */
    public void pasidRequest(Call c) throws ErrnoException {
        requireNesting();
        c.checkArgsz("range.max", VFIO_IOMMU_FLAG_ALLOC_PASID | VFIO_IOMMU_FLAG_FREE_PASID);
        long flags = c.get("flags");
        if (flags != VFIO_IOMMU_FLAG_ALLOC_PASID && flags != VFIO_IOMMU_FLAG_FREE_PASID) {
            throw Errno.EINVAL.failure("PASID_REQUEST needs exactly one of ALLOC and FREE");
        }
        if (!driver.nesting().pasidRequest()) {
            throw Errno.EOPNOTSUPP.failure("the IOMMU has no system-wide PASID space");
        }
        if (flags == VFIO_IOMMU_FLAG_ALLOC_PASID) {
            c.ret(kernel.pasids().allocate(this, c.get("range.min"), c.get("range.max")));
        } else {
            kernel.pasids().free(this, c.get("range.min"), c.get("range.max"));
            c.ret(0);
        }
    }

    /**
     * VFIO_IOMMU_NESTING_OP: BIND_PGTBL / UNBIND_PGTBL with an iommu_gpasid_bind_data, CACHE_INVLD with an
     * iommu_cache_invalidate_info, for every device of the container. A host PASID the container did not
     * allocate is EPERM. A bind that fails on one device is undone on the others.
     */
    public void nestingOp(Call c) throws ErrnoException {
        requireNesting();
        c.checkArgsz("flags", VFIO_NESTING_OP_MASK);
        byte[] data = payload(c, c.get("argsz") - NESTING_OP.size());
        int op = (int) (c.get("flags") & VFIO_NESTING_OP_MASK);
        switch (op) {
            case VFIO_IOMMU_NESTING_OP_BIND_PGTBL -> {
                checkOwned(GpasidBindData.decode(data));
                List<Device> done = new ArrayList<>();
                try {
                    for (Device d : devices) {
                        driver.bindGuestPgtbl(domain, d.sid(), data);
                        done.add(d);
                    }
                } catch (ErrnoException e) {
                    for (Device d : done) {
                        driver.unbindGuestPgtbl(domain, d.sid(), data);
                    }
                    throw e;
                }
            }
            case VFIO_IOMMU_NESTING_OP_UNBIND_PGTBL -> {
                checkOwned(GpasidBindData.decode(data));
                for (Device d : devices) {
                    driver.unbindGuestPgtbl(domain, d.sid(), data);
                }
            }
            case VFIO_IOMMU_NESTING_OP_CACHE_INVLD -> invalidate(data);
            default -> throw Errno.EINVAL.failure("unknown nesting op " + op);
        }
    }

    private void checkOwned(GpasidBindData b) throws ErrnoException {
        if (driver.nesting().pasidRequest() && b.format() == GpasidBindData.FORMAT_INTEL_VTD
                && !kernel.pasids().ownedBy(b.hpasid(), this)) {
            throw Errno.EPERM.failure("host PASID " + b.hpasid() + " was not allocated by this container");
        }
    }

    private void invalidate(byte[] info) throws ErrnoException {
        CacheInvalidateInfo i = CacheInvalidateInfo.decode(info);
        if (driver.nesting().pasidRequest() && i.hasPasid() && !kernel.pasids().ownedBy(i.pasid(), this)) {
            throw Errno.EPERM.failure("PASID " + i.pasid() + " was not allocated by this container");
        }
        for (Device d : devices) {
            driver.cacheInvalidate(domain, d.sid(), info);
        }
    }

    /** The first {@code length} payload bytes; a payload shorter than argsz says is EFAULT. */
    private static byte[] payload(Call c, long length) throws ErrnoException {
        byte[] data = c.data();
        if (length < 0 || length > data.length) {
            throw Errno.EFAULT.failure("argsz covers " + length + " payload bytes, the buffer has " + data.length);
        }
        return Arrays.copyOf(data, (int) length);
    }

    /** VFIO_IOMMU_SET_PASID_TABLE (Auger): SET installs the guest's CD table on every device, UNSET removes it. */
    public void setPasidTable(Call c) throws ErrnoException {
        requireNesting();
        c.checkArgsz("flags", VFIO_PASID_TABLE_FLAG_SET | VFIO_PASID_TABLE_FLAG_UNSET);
        long flags = c.get("flags");
        if (flags != VFIO_PASID_TABLE_FLAG_SET && flags != VFIO_PASID_TABLE_FLAG_UNSET) {
            throw Errno.EINVAL.failure("SET_PASID_TABLE needs exactly one of SET and UNSET");
        }
        byte[] config = Arrays.copyOfRange(c.arg().bytes(), 8, c.arg().layout().size());
        for (Device d : devices) {
            if (flags == VFIO_PASID_TABLE_FLAG_SET) {
                driver.setPasidTable(domain, d.sid(), config);
            } else {
                driver.unsetPasidTable(domain, d.sid());
            }
        }
    }

    /** VFIO_IOMMU_CACHE_INVALIDATE (Auger): one iommu_cache_invalidate_info for every device. */
    public void cacheInvalidate(Call c) throws ErrnoException {
        requireNesting();
        c.checkArgsz("flags", 0);
        invalidate(Arrays.copyOfRange(c.arg().bytes(), 8, c.arg().layout().size()));
    }
}
