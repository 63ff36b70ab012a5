package org.iommusim.vfio;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.iommusim.core.iommu.MachineKinds;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.uapi.Layout;
import org.iommusim.vfio.FrontEnd.HandleKind;
import org.iommusim.vfio.uapi.Constants;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input from user space is normal input: random ioctls (every name, random handles, fields set to
 * random numbers, random constants and boundary values, random payload bytes) in random order never
 * make the front end or the host drivers throw; every call ends in success or an errno, and the
 * IOMMU still answers translations afterwards. Seeded (the seed is the kind's name), 20,000 calls per kind.
 */
class RandomIoctlTest {
    static final long[] BOUNDARY = {0, 1, 2, 3, 4, 6, 8, 16, 24, 0x1000, 0x10000, 0x1_0000_0000L, 0x7F_FFFF_F000L,
            0xFFFF_FFFFL, -1L, 0x4000000, 0x100000000L, Long.MIN_VALUE, -0x1000L, 0x7FFF_FFFF_FFFF_F000L, 1L << 63 - 12};

    @ParameterizedTest
    @ValueSource(strings = {"vtd", "smmuv3", "smmuv2"})
    void randomCallsNeverThrow(String kind) throws Exception {
        FrontEnd k = new FrontEnd(MachineKinds.find(kind).orElseThrow().create(new PhysicalMemory(), Map.of()));
        SplittableRandom r = new SplittableRandom(kind.hashCode());
        for (int i = 0; i < 4; i++) {
            k.openContainer();
            k.openDevice(0x10 + i);
            k.openIommufd();
        }
        List<Ioctls.Definition> all = new ArrayList<>(Ioctls.all().values());
        List<Long> constants = new ArrayList<>(Constants.all().values());
        int ok = 0;
        for (int call = 0; call < 20_000; call++) {
            Ioctls.Definition d = all.get(r.nextInt(all.size()));
            Map<String, Long> fields = new LinkedHashMap<>();
            for (Layout.Field f : d.layout().fields()) {
                if (r.nextInt(3) == 0) {
                    continue;
                }
                long v = switch (r.nextInt(4)) {
                    case 0 -> r.nextLong();
                    case 1 -> BOUNDARY[r.nextInt(BOUNDARY.length)];
                    case 2 -> constants.get(r.nextInt(constants.size()));
                    default -> r.nextInt(8);
                };
                fields.put(f.name(), f.size() == 8 ? v : v & ((1L << (8 * f.size())) - 1));
            }
            if (r.nextInt(4) == 0) {
                fields.remove("argsz");
                fields.remove("size");
            }
            byte[] data = new byte[r.nextInt(4) == 0 ? 0 : r.nextInt(96)];
            for (int b = 0; b < data.length; b++) {
                data[b] = r.nextInt(3) == 0 ? (byte) r.nextInt() : 0;
            }
            HandleKind kindOfHandle = r.nextInt(8) == 0 ? HandleKind.values()[r.nextInt(3)] : d.kind();
            IoctlResult res = k.ioctl(d.name(), kindOfHandle, r.nextInt(6), fields, data);
            assertNotNull(res);
            if (res.ok()) {
                ok++;
            }
            if (call % 100 == 0) {
                k.iommu().translate(new TranslationRequest(0x10 + r.nextInt(4), TranslationRequest.NO_PASID,
                        r.nextLong(1L << 32), Access.READ, false, false));
            }
        }
        assertTrue(ok > 100, "random calls must sometimes succeed to reach the deeper code: " + ok);
    }
}
