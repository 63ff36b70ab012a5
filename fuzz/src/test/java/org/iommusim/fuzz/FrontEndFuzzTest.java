package org.iommusim.fuzz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.iommu.MachineConfigException;
import org.iommusim.core.iommu.MachineKinds;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.uapi.ErrnoException;
import org.iommusim.core.uapi.Layout;
import org.iommusim.vfio.FrontEnd;
import org.iommusim.vfio.FrontEnd.HandleKind;
import org.iommusim.vfio.IoctlResult;
import org.iommusim.vfio.Ioctls;
import org.iommusim.vfio.uapi.Constants;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The VFIO/iommufd front end: any ioctl (of every handle kind, on any handle number) with any field
 * values, argsz/size given or filled in, and any payload bytes ends in success or an errno, never in
 * an exception; the IOMMU under it still answers translations and DMA afterwards.
 */
class FrontEndFuzzTest {
    private static final String[] KINDS = {"vtd", "smmuv3", "smmuv2"};
    private static final List<Ioctls.Definition> IOCTLS = new ArrayList<>(Ioctls.all().values());
    private static final long[] CONSTANTS = Constants.all().values().stream().mapToLong(Long::longValue).toArray();
    private static final long[] BOUNDARY = {0, 1, 2, 3, 4, 6, 8, 16, 24, 0x1000, 0x10000, 0x1_0000_0000L,
            0x7F_FFFF_F000L, 0xFFFF_FFFFL, -1L, 0x4000000, Long.MIN_VALUE, -0x1000L, 0x7FFF_FFFF_FFFF_F000L,
            0x70_0000_0000L, 0x40_0000_0000L, 0x20_0000L};
    private static final int[] SOURCES = {0x10, 0x11, 0x12, 0x13};
    private static final int[] PASIDS = {1, 2, 0};
    private static final long[] IOVAS = {0, 0x1000, 0x10_0000L, 0x4000_0000L};

    @FuzzTest
    void ioctls(FuzzedDataProvider d) throws ErrnoException, MachineConfigException {
        Iommu iommu = MachineKinds.find(d.pickValue(KINDS)).orElseThrow().create(new PhysicalMemory(), Map.of());
        FrontEnd k = new FrontEnd(iommu);
        for (int i = 0; i < 3; i++) {
            k.openContainer();
            k.openDevice(SOURCES[i]);
            k.openIommufd();
        }
        int n = d.consumeInt(1, 24);
        for (int call = 0; call < n && d.remainingBytes() > 0; call++) {
            Ioctls.Definition def = IOCTLS.get(d.consumeInt(0, IOCTLS.size() - 1));
            Map<String, Long> fields = new LinkedHashMap<>();
            for (Layout.Field f : def.layout().fields()) {
                if (d.remainingBytes() == 0 || d.consumeInt(0, 2) == 0) {
                    continue; // zero, or argsz/size filled in as user space would
                }
                long v = switch (d.consumeInt(0, 4)) {
                    case 0 -> d.consumeLong();
                    case 1 -> BOUNDARY[d.consumeInt(0, BOUNDARY.length - 1)];
                    case 2 -> CONSTANTS.length == 0 ? 0 : CONSTANTS[d.consumeInt(0, CONSTANTS.length - 1)];
                    case 3 -> d.consumeLong(0, 7);
                    default -> d.consumeLong(0, 0x3F) << 12; // a handle id, a page
                };
                fields.put(f.name(), f.size() == 8 ? v : v & ((1L << (8 * f.size())) - 1));
            }
            byte[] data = d.consumeBytes(d.consumeInt(0, 128));
            HandleKind kind = d.consumeInt(0, 7) == 0 ? d.pickValue(HandleKind.values()) : def.kind();
            long handle = d.consumeInt(0, 7) == 0 ? d.consumeLong() : d.consumeInt(0, 4);
            IoctlResult res = k.ioctl(def.name(), kind, handle, fields, data);
            if (res == null) {
                throw new AssertionError(def.name() + " " + fields + ": " + res);
            }
        }
        Guest.requests(d, iommu, 4, SOURCES, PASIDS, IOVAS);
    }
}
