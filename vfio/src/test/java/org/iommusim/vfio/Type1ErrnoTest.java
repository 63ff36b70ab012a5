package org.iommusim.vfio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

import org.iommusim.core.iommu.MachineKinds;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.uapi.Errno;
import org.iommusim.vfio.FrontEnd.HandleKind;
import org.iommusim.vfio.uapi.VfioUapi;
import org.junit.jupiter.api.Test;

/**
 * Bad input to the type1 API gets the kernel's errno and changes nothing: wrong argsz, unknown flags,
 * unmapped or overlapping ranges, PASIDs out of range or not owned, binds on hardware without nesting,
 * stale handles. The rules are those of vfio_iommu_type1.c and of the 2020 series (v7/v8).
 */
class Type1ErrnoTest {
    static final long RAM = 0x1_0000_0000L;
    static final long RW = VfioUapi.VFIO_DMA_MAP_FLAG_READ | VfioUapi.VFIO_DMA_MAP_FLAG_WRITE;

    FrontEnd k;

    FrontEnd boot(String kind, Map<String, String> options) throws Exception {
        k = new FrontEnd(MachineKinds.find(kind).orElseThrow().create(new PhysicalMemory(), options));
        return k;
    }

    IoctlResult c(int container, String name, Object... kv) {
        Map<String, Long> f = new LinkedHashMap<>();
        byte[] data = new byte[0];
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i].equals("data")) {
                data = (byte[]) kv[i + 1];
            } else {
                f.put((String) kv[i], ((Number) kv[i + 1]).longValue());
            }
        }
        return k.ioctl(name, HandleKind.CONTAINER, container, f, data);
    }

    /** A nesting container with device {@code sid} and 64 MiB of RAM at GPA 0. */
    int vm(int sid, long hostRam) throws Exception {
        int container = k.openContainer();
        int dev = k.openDevice(sid);
        assertNull(k.ioctl("VFIO_GROUP_SET_CONTAINER", HandleKind.DEVICE, dev, Map.of("container", (long) container),
                new byte[0]).errno());
        assertNull(c(container, "VFIO_SET_IOMMU", "arg", VfioUapi.VFIO_TYPE1_NESTING_IOMMU).errno());
        assertNull(c(container, "VFIO_IOMMU_MAP_DMA", "vaddr", hostRam, "iova", 0, "size", 0x4000000, "flags", RW).errno());
        return container;
    }

    static byte[] bind(long gpgd, long hpasid) {
        return ByteBuffer.allocate(72).order(ByteOrder.LITTLE_ENDIAN).putInt(72).putInt(1).putInt(1).putInt(48)
                .putLong(0).putLong(gpgd).putLong(hpasid).array();
    }

    long dmaAvail(int container) {
        return c(container, "VFIO_IOMMU_GET_INFO", "argsz", 0x90).field("cap.dma_avail.avail");
    }

    @Test
    void argszAndFlags() throws Exception {
        boot("vtd", Map.of());
        int vm = vm(0x10, RAM);
        for (String[] call : new String[][] {{"VFIO_IOMMU_GET_INFO", "15"}, {"VFIO_IOMMU_MAP_DMA", "31"},
                {"VFIO_IOMMU_UNMAP_DMA", "23"}, {"VFIO_IOMMU_PASID_REQUEST", "15"}, {"VFIO_IOMMU_NESTING_OP", "7"},
                {"VFIO_IOMMU_SET_PASID_TABLE", "7"}, {"VFIO_IOMMU_CACHE_INVALIDATE", "7"}}) {
            assertEquals(Errno.EINVAL, c(vm, call[0], "argsz", Long.parseLong(call[1])).errno(), call[0]);
        }
        assertEquals(Errno.EINVAL, c(vm, "VFIO_IOMMU_MAP_DMA", "vaddr", 0x200000000L, "iova", 0x8000000, "size",
                0x1000, "flags", 0x80).errno());
        assertEquals(Errno.EINVAL, c(vm, "VFIO_IOMMU_UNMAP_DMA", "iova", 0, "size", 0x1000, "flags", 0x80).errno());
        assertEquals(Errno.EINVAL, c(vm, "VFIO_IOMMU_NESTING_OP", "flags", 1L << 16).errno());
        assertEquals(Errno.EINVAL, c(vm, "VFIO_IOMMU_NESTING_OP", "flags", 3).errno(), "op 3 does not exist");
        assertEquals(Errno.ENOTTY, k.ioctl("VFIO_IOMMU_MAP_DMA", HandleKind.DEVICE, 1, Map.of(), new byte[0]).errno());
        assertEquals(Errno.EBADF, c(9, "VFIO_IOMMU_GET_INFO").errno());
    }

    @Test
    void refusedMapsAndUnmapsChangeNothing() throws Exception {
        boot("vtd", Map.of());
        int vm = vm(0x10, RAM);
        long avail = dmaAvail(vm);
        assertEquals(Errno.EEXIST, c(vm, "VFIO_IOMMU_MAP_DMA", "vaddr", 0x200000000L, "iova", 0x3FFF000, "size",
                0x2000, "flags", RW).errno());
        assertEquals(Errno.EINVAL, c(vm, "VFIO_IOMMU_MAP_DMA", "vaddr", 0x200000000L, "iova", -0x1000L, "size",
                0x2000, "flags", RW).errno(), "wraps");
        assertEquals(Errno.EINVAL, c(vm, "VFIO_IOMMU_MAP_DMA", "vaddr", 0x200000000L, "iova", 1L << 60, "size",
                0x1000, "flags", RW).errno(), "beyond the aperture");
        assertEquals(Errno.EFAULT, c(vm, "VFIO_IOMMU_MAP_DMA", "vaddr", 1L << 52, "iova", 0x8000000, "size",
                0x1000, "flags", RW).errno(), "beyond host memory");
        assertEquals(Errno.EINVAL, c(vm, "VFIO_IOMMU_UNMAP_DMA", "iova", 0x1000, "size", 0x1000).errno(), "bisects");
        assertEquals(Errno.EINVAL, c(vm, "VFIO_IOMMU_UNMAP_DMA", "iova", 0x1000, "size", 0x1000,
                "flags", VfioUapi.VFIO_DMA_UNMAP_FLAG_ALL).errno());
        assertEquals(0, c(vm, "VFIO_IOMMU_UNMAP_DMA", "iova", 0x8000000, "size", 1L << 63).field("size"),
                "a range past 2^63 holds nothing");
        assertEquals(avail, dmaAvail(vm));
        assertEquals(0, c(vm, "VFIO_IOMMU_UNMAP_DMA", "iova", 0x8000000, "size", 0x1000).field("size"), "nothing there");
        assertEquals(0x4000000, c(vm, "VFIO_IOMMU_UNMAP_DMA", "flags", VfioUapi.VFIO_DMA_UNMAP_FLAG_ALL).field("size"));
        assertEquals(avail + 1, dmaAvail(vm));
    }

    @Test
    void pasidsAreOwnedByTheContainerThatAllocatedThem() throws Exception {
        boot("vtd", Map.of());
        int vm1 = vm(0x10, RAM);
        int vm2 = vm(0x20, 0x2_0000_0000L);
        long alloc = VfioUapi.VFIO_IOMMU_FLAG_ALLOC_PASID;
        assertEquals(1, c(vm1, "VFIO_IOMMU_PASID_REQUEST", "flags", alloc, "range.min", 1, "range.max", 1).value());
        assertEquals(Errno.ENOSPC, c(vm2, "VFIO_IOMMU_PASID_REQUEST", "flags", alloc, "range.min", 1, "range.max", 1)
                .errno(), "system-wide: PASID 1 is taken");
        assertEquals(2, c(vm2, "VFIO_IOMMU_PASID_REQUEST", "flags", alloc, "range.min", 1, "range.max", 5).value());
        assertEquals(Errno.EINVAL, c(vm1, "VFIO_IOMMU_PASID_REQUEST", "flags", alloc, "range.min", 5, "range.max", 4)
                .errno());
        assertEquals(Errno.EINVAL, c(vm1, "VFIO_IOMMU_PASID_REQUEST", "flags", alloc, "range.min", 0, "range.max", 0)
                .errno(), "PASID 0 is not allocatable");
        assertEquals(Errno.EPERM, c(vm2, "VFIO_IOMMU_NESTING_OP", "flags", VfioUapi.VFIO_IOMMU_NESTING_OP_BIND_PGTBL,
                "data", bind(0x10000, 1)).errno(), "PASID 1 is vm1's");
        assertEquals(Errno.EPERM, c(vm1, "VFIO_IOMMU_NESTING_OP", "flags", VfioUapi.VFIO_IOMMU_NESTING_OP_BIND_PGTBL,
                "data", bind(0x10000, 9)).errno(), "PASID 9 is nobody's");
        // freeing another container's PASID is silently skipped, as in the series
        assertNull(c(vm2, "VFIO_IOMMU_PASID_REQUEST", "flags", VfioUapi.VFIO_IOMMU_FLAG_FREE_PASID, "range.min", 1,
                "range.max", 1).errno());
        assertNull(c(vm1, "VFIO_IOMMU_NESTING_OP", "flags", VfioUapi.VFIO_IOMMU_NESTING_OP_BIND_PGTBL,
                "data", bind(0x10000, 1)).errno(), "still vm1's");
        assertEquals(Errno.EBUSY, c(vm1, "VFIO_IOMMU_NESTING_OP", "flags", VfioUapi.VFIO_IOMMU_NESTING_OP_BIND_PGTBL,
                "data", bind(0x10000, 1)).errno(), "already bound");
        assertEquals(3, c(vm1, "VFIO_IOMMU_PASID_REQUEST", "flags", alloc, "range.min", 1, "range.max", 5).value());
        assertEquals(Errno.EINVAL, c(vm1, "VFIO_IOMMU_NESTING_OP", "flags", VfioUapi.VFIO_IOMMU_NESTING_OP_BIND_PGTBL,
                "data", bind(0x10008, 3)).errno(), "table address not aligned");
    }

    @Test
    void bindOnHardwareWithoutNesting() throws Exception {
        // the default ECAP without NEST (bit 26)
        long ecap = Long.parseUnsignedLong("33e99cc40050c7", 16) & ~(1L << 26);
        boot("vtd", Map.of("ecap", "0x" + Long.toHexString(ecap)));
        int container = k.openContainer();
        int dev = k.openDevice(0x10);
        k.ioctl("VFIO_GROUP_SET_CONTAINER", HandleKind.DEVICE, dev, Map.of("container", (long) container), new byte[0]);
        assertEquals(0, c(container, "VFIO_CHECK_EXTENSION", "arg", VfioUapi.VFIO_TYPE1_NESTING_IOMMU).value());
        assertEquals(Errno.ENODEV, c(container, "VFIO_SET_IOMMU", "arg", VfioUapi.VFIO_TYPE1_NESTING_IOMMU).errno());
        assertNull(c(container, "VFIO_SET_IOMMU", "arg", VfioUapi.VFIO_TYPE1v2_IOMMU).errno());
        assertEquals(Errno.EOPNOTSUPP, c(container, "VFIO_IOMMU_NESTING_OP", "flags",
                VfioUapi.VFIO_IOMMU_NESTING_OP_BIND_PGTBL, "data", bind(0x10000, 1)).errno());
        assertEquals(Errno.EOPNOTSUPP, c(container, "VFIO_IOMMU_PASID_REQUEST", "flags",
                VfioUapi.VFIO_IOMMU_FLAG_ALLOC_PASID, "range.min", 1, "range.max", 1).errno());
    }
}
