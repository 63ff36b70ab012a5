package org.iommusim.vfio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

import org.iommusim.core.iommu.MachineKinds;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.request.TranslationResult;
import org.iommusim.core.uapi.Errno;
import org.iommusim.vfio.FrontEnd.HandleKind;
import org.iommusim.vfio.uapi.IommufdUapi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The expectations of Linux's iommufd selftests (tools/testing/selftests/iommu/iommufd.c, as of v6.17)
 * that come from the iommufd core and so hold for real drivers, run against the VT-d and SMMUv3 host
 * drivers. Each test names the TEST_F it comes from.
 */
class IommufdSelftestTest {
    static final long RAM = 0x1_0000_0000L;
    FrontEnd k;
    int fd;
    long devId;
    long ioas;

    @BeforeEach
    void vtd() throws Exception {
        boot("vtd");
    }

    void boot(String kind) throws Exception {
        k = new FrontEnd(MachineKinds.find(kind).orElseThrow().create(new PhysicalMemory(), Map.of()));
        int dev = k.openDevice(0x10);
        fd = k.openIommufd();
        devId = ok(k.ioctl("VFIO_DEVICE_BIND_IOMMUFD", HandleKind.DEVICE, dev, Map.of("iommufd", (long) fd), new byte[0]))
                .field("out_devid");
        ioas = ok(call("IOMMU_IOAS_ALLOC")).field("out_ioas_id");
    }

    IoctlResult call(String name, Object... keyValues) {
        Map<String, Long> fields = new LinkedHashMap<>();
        byte[] data = new byte[0];
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i].equals("data")) {
                data = (byte[]) keyValues[i + 1];
            } else {
                fields.put((String) keyValues[i], ((Number) keyValues[i + 1]).longValue());
            }
        }
        return k.ioctl(name, HandleKind.IOMMUFD, fd, fields, data);
    }

    static IoctlResult ok(IoctlResult r) {
        assertNull(r.errno(), () -> "expected success, got " + r);
        return r;
    }

    static void fails(Errno e, IoctlResult r) {
        assertEquals(e, r.errno(), r::toString);
    }

    static byte[] vtdS1(long pgtbl, int width, long flags) {
        return ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(flags).putLong(pgtbl).putInt(width)
                .putInt(0).array();
    }

    static byte[] vtdInv(long addr, long npages, int flags) {
        return ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(addr).putLong(npages).putInt(flags)
                .putInt(0).array();
    }

    long map(long iova, long length) {
        return ok(call("IOMMU_IOAS_MAP", "ioas_id", ioas, "flags", IommufdUapi.IOMMU_IOAS_MAP_FIXED_IOVA
                | IommufdUapi.IOMMU_IOAS_MAP_READABLE | IommufdUapi.IOMMU_IOAS_MAP_WRITEABLE,
                "user_va", RAM + iova, "iova", iova, "length", length)).field("iova");
    }

    long parent() {
        return ok(call("IOMMU_HWPT_ALLOC", "flags", IommufdUapi.IOMMU_HWPT_ALLOC_NEST_PARENT, "dev_id", devId,
                "pt_id", ioas)).field("out_hwpt_id");
    }

    long nested(long parent) {
        return ok(call("IOMMU_HWPT_ALLOC", "dev_id", devId, "pt_id", parent, "data_type",
                IommufdUapi.IOMMU_HWPT_DATA_VTD_S1, "data", vtdS1(0x10000, 48, 0))).field("out_hwpt_id");
    }

    /** TEST_F(iommufd, cmd_fail) and cmd_ex_fail: DESTROY of ID 0; a size one short of the minimum. */
    @Test
    void cmdFailAndCmdExFail() {
        fails(Errno.ENOENT, call("IOMMU_DESTROY", "id", 0));
        fails(Errno.ENOENT, call("IOMMU_DESTROY", "id", 0, "size", 16));
        fails(Errno.EINVAL, call("IOMMU_DESTROY", "id", 0, "size", 7));
    }

    /** TEST_F(iommufd, cmd_length): every ioctl with size = offsetofend(its first version's last field) - 1. */
    @Test
    void cmdLength() {
        Map<String, Integer> minimum = Map.of("IOMMU_DESTROY", 8, "IOMMU_IOAS_ALLOC", 12, "IOMMU_IOAS_MAP", 40,
                "IOMMU_IOAS_UNMAP", 24, "IOMMU_GET_HW_INFO", 32, "IOMMU_HWPT_ALLOC", 24, "IOMMU_HWPT_INVALIDATE", 32,
                "IOMMU_VIOMMU_ALLOC", 24, "IOMMU_VDEVICE_ALLOC", 24);
        minimum.forEach((name, min) -> fails(Errno.EINVAL, call(name, "size", min - 1)));
        // The same call with size = the minimum gets past the size check (to the call's own checks).
        assertEquals(Errno.ENOENT, call("IOMMU_DESTROY", "size", 8, "id", 99).errno());
        ok(call("IOMMU_HWPT_ALLOC", "size", 24, "dev_id", devId, "pt_id", ioas));
    }

    /** TEST_F(iommufd_ioas, ioas_destroy) and ioas_area_destroy. */
    @Test
    void ioasDestroy() {
        map(0, 0x10000);
        long other = ok(call("IOMMU_IOAS_ALLOC")).field("out_ioas_id");
        ok(call("IOMMU_DESTROY", "id", other));
        long hwpt = parent();
        fails(Errno.EBUSY, call("IOMMU_DESTROY", "id", ioas));
        ok(call("IOMMU_DESTROY", "id", hwpt));
        ok(call("IOMMU_DESTROY", "id", ioas)); // mappings alone do not hold an IOAS
    }

    /** TEST_F(iommufd_ioas, alloc_hwpt_nested): the allocation checks. */
    @Test
    void allocHwptNested() {
        long parent = parent();
        long notParent = ok(call("IOMMU_HWPT_ALLOC", "dev_id", devId, "pt_id", ioas)).field("out_hwpt_id");
        fails(Errno.ENOENT, call("IOMMU_HWPT_ALLOC", "dev_id", ioas, "pt_id", ioas));
        fails(Errno.EINVAL, call("IOMMU_HWPT_ALLOC", "dev_id", devId, "pt_id", devId));
        fails(Errno.EOPNOTSUPP, call("IOMMU_HWPT_ALLOC", "flags", IommufdUapi.IOMMU_HWPT_ALLOC_NEST_PARENT
                | IommufdUapi.IOMMU_HWPT_FAULT_ID_VALID, "dev_id", devId, "pt_id", ioas));
        fails(Errno.EINVAL, call("IOMMU_HWPT_ALLOC", "dev_id", devId, "pt_id", parent, "data_type", 0,
                "data", vtdS1(0x10000, 48, 0)));
        fails(Errno.EOPNOTSUPP, call("IOMMU_HWPT_ALLOC", "dev_id", devId, "pt_id", parent, "data_type", 0xdead,
                "data", vtdS1(0x10000, 48, 0)));
        fails(Errno.EINVAL, call("IOMMU_HWPT_ALLOC", "dev_id", devId, "pt_id", parent, "data_type",
                IommufdUapi.IOMMU_HWPT_DATA_VTD_S1, "data", new byte[23]));
        fails(Errno.EOPNOTSUPP, call("IOMMU_HWPT_ALLOC", "flags", IommufdUapi.IOMMU_HWPT_ALLOC_NEST_PARENT,
                "dev_id", devId, "pt_id", parent, "data_type", IommufdUapi.IOMMU_HWPT_DATA_VTD_S1,
                "data", vtdS1(0x10000, 48, 0)));
        fails(Errno.EINVAL, call("IOMMU_HWPT_ALLOC", "dev_id", devId, "pt_id", notParent, "data_type",
                IommufdUapi.IOMMU_HWPT_DATA_VTD_S1, "data", vtdS1(0x10000, 48, 0)));
        long nested = nested(parent);
        fails(Errno.EINVAL, call("IOMMU_HWPT_ALLOC", "dev_id", devId, "pt_id", nested, "data_type",
                IommufdUapi.IOMMU_HWPT_DATA_VTD_S1, "data", vtdS1(0x10000, 48, 0)));
        fails(Errno.EBUSY, call("IOMMU_DESTROY", "id", parent));
        ok(call("IOMMU_DESTROY", "id", nested));
        ok(call("IOMMU_DESTROY", "id", parent));
    }

    /** TEST_F(iommufd_ioas, alloc_hwpt_nested): the invalidation checks, and entry_num written back. */
    @Test
    void hwptInvalidate() {
        long parent = parent();
        long nested = nested(parent);
        int vtd = IommufdUapi.IOMMU_HWPT_INVALIDATE_DATA_VTD_S1;
        IoctlResult r = call("IOMMU_HWPT_INVALIDATE", "hwpt_id", parent, "data_type", vtd, "entry_len", 24,
                "entry_num", 1, "data", vtdInv(0, 1, 0));
        fails(Errno.EINVAL, r);
        assertEquals(0, r.field("entry_num"));
        assertEquals(0, ok(call("IOMMU_HWPT_INVALIDATE", "hwpt_id", nested, "data_type", vtd, "entry_len", 24,
                "entry_num", 0)).field("entry_num"));
        for (Object[] bad : new Object[][] {
                {Errno.EINVAL, 0xdead, 24, vtdInv(0, 1, 0)},
                {Errno.EINVAL, vtd, 1, vtdInv(0, 1, 0)},
                {Errno.EINVAL, vtd, 0, vtdInv(0, 1, 0)},
                {Errno.EOPNOTSUPP, vtd, 24, vtdInv(0, 1, 0xffffffff)}}) {
            IoctlResult b = call("IOMMU_HWPT_INVALIDATE", "hwpt_id", nested, "data_type", bad[1], "entry_len", bad[2],
                    "entry_num", 1, "data", bad[3]);
            fails((Errno) bad[0], b);
            assertEquals(0, b.field("entry_num"), "entry_num written back on error");
        }
        byte[] two = ByteBuffer.allocate(48).put(vtdInv(0, 1, 0)).put(vtdInv(0, 1, 0xffffffff)).array();
        IoctlResult partial = call("IOMMU_HWPT_INVALIDATE", "hwpt_id", nested, "data_type", vtd, "entry_len", 24,
                "entry_num", 2, "data", two);
        fails(Errno.EOPNOTSUPP, partial);
        assertEquals(1, partial.field("entry_num"), "the first entry was handled");
    }

    /** TEST_F(iommufd_ioas, alloc_hwpt_nested): a HWPT a device is attached to cannot be destroyed. */
    @Test
    void destroyWhileAttached() throws Exception {
        long nested = nested(parent());
        ok(k.ioctl("VFIO_DEVICE_ATTACH_IOMMUFD_PT", HandleKind.DEVICE, 1, Map.of("pt_id", nested), new byte[0]));
        fails(Errno.EBUSY, call("IOMMU_DESTROY", "id", nested));
        ok(k.ioctl("VFIO_DEVICE_DETACH_IOMMUFD_PT", HandleKind.DEVICE, 1, Map.of(), new byte[0]));
        ok(call("IOMMU_DESTROY", "id", nested));
    }

    /** TEST_F(iommufd_ioas, get_hw_info): buffers of length 0, exact, larger (zero tail) and smaller. */
    @Test
    void getHwInfo() {
        for (long len : new long[] {0, 24, 64, 8}) {
            IoctlResult r = ok(call("IOMMU_GET_HW_INFO", "dev_id", devId, "data_len", len));
            assertEquals(24, r.field("data_len"));
            byte[] data = (byte[]) r.fields().get("data");
            assertEquals(len, data.length);
            if (len >= 24) {
                assertEquals(k.iommu().mmioRead(0x8, 8), ByteBuffer.wrap(data, 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
                for (int i = 24; i < len; i++) {
                    assertEquals(0, data[i], "tail zeroed");
                }
            }
        }
        fails(Errno.ENOENT, call("IOMMU_GET_HW_INFO", "dev_id", 0, "data_len", 24));
        fails(Errno.EOPNOTSUPP, call("IOMMU_GET_HW_INFO", "dev_id", devId, "flags", 2));
    }

    /** TEST_F(iommufd_ioas, area) and unmap_fully_contained_areas. */
    @Test
    void area() {
        fails(Errno.ENOENT, call("IOMMU_IOAS_UNMAP", "ioas_id", ioas, "iova", 0x10000, "length", 0x1000));
        assertEquals(0, ok(call("IOMMU_IOAS_UNMAP", "ioas_id", ioas, "iova", 0, "length", -1L)).field("length"));
        map(0x10000, 0x2000);
        fails(Errno.ENOENT, call("IOMMU_IOAS_UNMAP", "ioas_id", ioas, "iova", 0x10000, "length", 0x1000));
        fails(Errno.ENOENT, call("IOMMU_IOAS_UNMAP", "ioas_id", ioas, "iova", 0x11000, "length", 0x1000));
        for (long[] overlap : new long[][] {{0x10000, 0x2000}, {0x11000, 0x1000}, {0xF000, 0x2000}, {0x11000, 0x4000}}) {
            fails(Errno.EEXIST, call("IOMMU_IOAS_MAP", "ioas_id", ioas, "flags", IommufdUapi.IOMMU_IOAS_MAP_FIXED_IOVA
                    | IommufdUapi.IOMMU_IOAS_MAP_READABLE, "user_va", RAM, "iova", overlap[0], "length", overlap[1]));
        }
        ok(call("IOMMU_IOAS_UNMAP", "ioas_id", ioas, "iova", 0, "length", -1L));
        for (int i = 0; i < 4; i++) {
            map(0x100000 + i * 0x10000L, 0x8000);
        }
        assertEquals(4 * 0x8000, ok(call("IOMMU_IOAS_UNMAP", "ioas_id", ioas, "iova", 0x100000, "length", 0x40000))
                .field("length"));
        fails(Errno.EINVAL, call("IOMMU_IOAS_UNMAP", "ioas_id", ioas, "iova", 0, "length", 0));
    }

    /** iommufd nesting on VT-d needs ECAP.NEST, not ECAP.PASID (the type1 bind does need PASIDs). */
    @Test
    void vtdNestsThroughIommufdWithoutPasids() throws Exception {
        long ecap = Long.parseUnsignedLong("33e99cc40050c7", 16) & ~(1L << 40);
        k = new FrontEnd(MachineKinds.find("vtd").orElseThrow().create(new PhysicalMemory(),
                Map.of("ecap", "0x" + Long.toHexString(ecap))));
        int dev = k.openDevice(0x10);
        fd = k.openIommufd();
        devId = ok(k.ioctl("VFIO_DEVICE_BIND_IOMMUFD", HandleKind.DEVICE, dev, Map.of("iommufd", (long) fd), new byte[0]))
                .field("out_devid");
        ioas = ok(call("IOMMU_IOAS_ALLOC")).field("out_ioas_id");
        assertEquals(false, k.driver().nesting().pasidRequest());
        nested(parent());
        long noNest = Long.parseUnsignedLong("33e99cc40050c7", 16) & ~(1L << 26);
        k = new FrontEnd(MachineKinds.find("vtd").orElseThrow().create(new PhysicalMemory(),
                Map.of("ecap", "0x" + Long.toHexString(noNest))));
        k.openDevice(0x10);
        fd = k.openIommufd();
        devId = ok(k.ioctl("VFIO_DEVICE_BIND_IOMMUFD", HandleKind.DEVICE, 1, Map.of("iommufd", (long) fd), new byte[0]))
                .field("out_devid");
        ioas = ok(call("IOMMU_IOAS_ALLOC")).field("out_ioas_id");
        fails(Errno.EOPNOTSUPP, call("IOMMU_HWPT_ALLOC", "flags", IommufdUapi.IOMMU_HWPT_ALLOC_NEST_PARENT,
                "dev_id", devId, "pt_id", ioas));
    }

    /** TEST_F(iommufd_viommu, viommu_alloc*) and vdevice_alloc, on SMMUv3. */
    @Test
    void viommuAndVdevice() throws Exception {
        boot("smmuv3");
        long parent = parent();
        fails(Errno.EOPNOTSUPP, call("IOMMU_VIOMMU_ALLOC", "dev_id", devId, "hwpt_id", parent, "type", 0xdead));
        fails(Errno.ENOENT, call("IOMMU_VIOMMU_ALLOC", "dev_id", 0, "hwpt_id", parent, "type",
                IommufdUapi.IOMMU_VIOMMU_TYPE_ARM_SMMUV3));
        long viommu = ok(call("IOMMU_VIOMMU_ALLOC", "dev_id", devId, "hwpt_id", parent, "type",
                IommufdUapi.IOMMU_VIOMMU_TYPE_ARM_SMMUV3)).field("out_viommu_id");
        fails(Errno.EBUSY, call("IOMMU_DESTROY", "id", parent));
        long vdev = ok(call("IOMMU_VDEVICE_ALLOC", "viommu_id", viommu, "dev_id", devId, "virt_id", 0x99))
                .field("out_vdevice_id");
        fails(Errno.EEXIST, call("IOMMU_VDEVICE_ALLOC", "viommu_id", viommu, "dev_id", devId, "virt_id", 0x99));
        fails(Errno.EBUSY, call("IOMMU_DESTROY", "id", viommu));
        ok(call("IOMMU_DESTROY", "id", vdev));
        assertEquals(vdev, ok(call("IOMMU_VDEVICE_ALLOC", "viommu_id", viommu, "dev_id", devId, "virt_id", 0x88))
                .field("out_vdevice_id"), "the lowest free ID is reused");
    }

    /** Without a vDEVICE a stage-1 vSTE cannot be attached (arm_smmu_attach_dev_nested needs the vSID). */
    @Test
    void smmuv3NestedAttachNeedsAVdevice() throws Exception {
        boot("smmuv3");
        long viommu = ok(call("IOMMU_VIOMMU_ALLOC", "dev_id", devId, "hwpt_id", parent(), "type",
                IommufdUapi.IOMMU_VIOMMU_TYPE_ARM_SMMUV3)).field("out_viommu_id");
        byte[] ste = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(0x2000BL).putLong(0).array();
        long nested = ok(call("IOMMU_HWPT_ALLOC", "dev_id", devId, "pt_id", viommu, "data_type",
                IommufdUapi.IOMMU_HWPT_DATA_ARM_SMMUV3, "data", ste)).field("out_hwpt_id");
        fails(Errno.ENOENT, k.ioctl("VFIO_DEVICE_ATTACH_IOMMUFD_PT", HandleKind.DEVICE, 1, Map.of("pt_id", nested),
                new byte[0]));
        // the failed attach changed nothing: the device still has no translation
        map(0, 0x1000);
        assertEquals(false, k.iommu().translate(new TranslationRequest(0x10, TranslationRequest.NO_PASID, 0,
                Access.READ, false, false)) instanceof TranslationResult);
    }
}
