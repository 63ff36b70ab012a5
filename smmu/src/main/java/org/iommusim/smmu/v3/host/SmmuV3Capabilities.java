package org.iommusim.smmu.v3.host;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.iommusim.core.host.HwInfo;
import org.iommusim.core.host.NestingCapabilities;
import org.iommusim.core.uapi.Layout;
import org.iommusim.core.uapi.UserStruct;
import org.iommusim.smmu.v3.registers.IdRegisters;
import org.iommusim.smmu.vmsa.Granule;

/**
 * What an SMMUv3 offers a VMM, from IDR0-IDR5 (IHI 0070 6.3.1-6.3.6): the guest's whole CD table can be
 * installed (SET_PASID_TABLE; a nested STE) when both stages are implemented; PASIDs are per VM, so
 * there is no system-wide PASID space and no per-PASID page-table bind. The stage-1 format is VMSAv8-64
 * with the granules, sizes and options the ID registers report.
 */
public final class SmmuV3Capabilities {
    /** struct iommu_hw_info_arm_smmuv3 (include/uapi/linux/iommufd.h). */
    public static final Layout HW_INFO_ARM_SMMUV3 = Layout.struct("iommu_hw_info_arm_smmuv3")
            .u32("flags").u32("__reserved").array("idr", 4, 6, false).u32("iidr").u32("aidr").build();

    private SmmuV3Capabilities() {
    }

    static boolean nesting(IdRegisters id) {
        return id.s1p() && id.s2p();
    }

    public static NestingCapabilities of(IdRegisters id) {
        boolean nest = nesting(id);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("name", "arm-vmsav8-64-stage1");
        List<String> granules = new ArrayList<>();
        for (Granule g : Granule.values()) {
            if (id.granuleSupported(g)) {
                granules.add(g.pageSize() / 1024 + "K");
            }
        }
        f.put("granules", granules);
        f.put("ias", Math.min(id.oasBits(), 48));
        f.put("oas", id.oasBits());
        f.put("asidBits", id.asid16() ? 16 : 8);
        f.put("ssidBits", id.ssidSize());
        f.put("httu", switch (id.httu()) {
            case IdRegisters.HTTU_ACCESS -> "access";
            case IdRegisters.HTTU_ACCESS_DIRTY -> "access+dirty";
            default -> "none";
        });
        f.put("cdTableFormats", id.cd2l() ? List.of("linear", "2lvl-4k", "2lvl-64k") : List.of("linear"));
        f.put("tableFormats", switch (id.ttf()) {
            case 1 -> List.of("aarch32");
            case 2 -> List.of("aarch64");
            case 3 -> List.of("aarch32", "aarch64");
            default -> List.of();
        });
        f.put("endianness", switch (id.ttendian()) {
            case 0 -> "mixed";
            case 2 -> "little";
            case 3 -> "big";
            default -> "reserved";
        });
        f.put("btm", id.btm());
        Map<String, Long> vendor = new LinkedHashMap<>();
        int[] idr = {id.idr0(), id.idr1(), id.idr2(), id.idr3(), id.idr4(), id.idr5()};
        for (int i = 0; i < idr.length; i++) {
            vendor.put("smmuv3.idr[" + i + "]", Integer.toUnsignedLong(idr[i]));
        }
        return new NestingCapabilities(false, false, nest, nest, 0, Math.min(id.oasBits(), 48), id.ssidSize(),
                vendor, f);
    }

    public static HwInfo hwInfo(IdRegisters id) {
        UserStruct s = UserStruct.zeroed(HW_INFO_ARM_SMMUV3);
        int[] idr = {id.idr0(), id.idr1(), id.idr2(), id.idr3(), id.idr4(), id.idr5()};
        for (int i = 0; i < idr.length; i++) {
            s.put("idr[" + i + "]", Integer.toUnsignedLong(idr[i]));
        }
        s.put("iidr", Integer.toUnsignedLong(id.iidr())).put("aidr", Integer.toUnsignedLong(id.aidr()));
        // No IOMMU_HW_CAP_DIRTY_TRACKING: the front end offers dirty tracking on VT-d only (docs/vfio.md).
        return new HwInfo(HwInfo.TYPE_ARM_SMMUV3, s.bytes(), 0, id.ssidSize());
    }
}
