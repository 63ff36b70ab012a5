package org.iommusim.vtd.host;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.iommusim.core.host.HwInfo;
import org.iommusim.core.host.NestingCapabilities;
import org.iommusim.core.host.type1.GpasidBindData;
import org.iommusim.core.uapi.Layout;
import org.iommusim.core.uapi.UserStruct;
import org.iommusim.vtd.registers.Cap;
import org.iommusim.vtd.registers.Ecap;

/**
 * What a VT-d unit offers a VMM, computed from CAP and ECAP (VT-d spec 11.4.2, 11.4.3) as Linux's
 * intel-iommu decides it: nesting needs scalable mode (SMTS), queued invalidation (QI), both stages
 * (FSTS, SSTS) and NEST; a system-wide PASID space needs PASID support too. The first-stage format is
 * the 4- or 5-level IA-32e format with the optional features the unit reports (FL5LP, FL1GP, SRS, EAFS).
 */
public final class VtdCapabilities {
    /** struct iommu_hw_info_vtd (include/uapi/linux/iommufd.h). */
    public static final Layout HW_INFO_VTD = Layout.struct("iommu_hw_info_vtd")
            .u32("flags").u32("__reserved").u64("cap_reg").u64("ecap_reg").build();

    private VtdCapabilities() {
    }

    /** Scalable mode with queued invalidation: what the host driver runs in when it can. */
    static boolean scalable(Ecap ecap) {
        return ecap.has(Ecap.SMTS) && ecap.has(Ecap.QI);
    }

    /** A second-stage domain can be a nest parent: ECAP.NEST with both stages in scalable mode. */
    static boolean nesting(Ecap ecap) {
        return scalable(ecap) && ecap.has(Ecap.NEST) && ecap.has(Ecap.FSTS) && ecap.has(Ecap.SSTS);
    }

    public static NestingCapabilities of(Cap cap, Ecap ecap) {
        boolean nest = nesting(ecap);
        boolean pasid = nest && ecap.has(Ecap.PASID);
        int pasidBits = ecap.has(Ecap.PASID) ? ecap.pasidBits() : 0;
        int addrWidth = cap.firstStage5Level() ? 57 : 48;
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("name", "intel-vtd-first-stage");
        f.put("pagingLevels", cap.firstStage5Level() ? List.of(4, 5) : List.of(4));
        f.put("addressWidths", cap.firstStage5Level() ? List.of(48, 57) : List.of(48));
        // First-stage A/D updates are architectural (VT-d spec 3.6.2); WPE is a PASID-entry field of every
        // scalable-mode unit (9.6); SRE needs ECAP.SRS and EAFE needs ECAP.EAFS (11.4.3).
        f.put("accessedDirty", true);
        f.put("supervisorRequests", ecap.has(Ecap.SRS));
        f.put("extendedAccessed", ecap.has(Ecap.EAFS));
        f.put("writeProtect", true);
        f.put("pages1G", cap.firstStage1GPages());
        f.put("pasidBits", pasidBits);
        return new NestingCapabilities(pasid, pasid, false, pasid, pasid ? GpasidBindData.FORMAT_INTEL_VTD : 0,
                addrWidth, pasidBits, Map.of("cap_reg", cap.value(), "ecap_reg", ecap.value()), f);
    }

    public static HwInfo hwInfo(Cap cap, Ecap ecap) {
        UserStruct s = UserStruct.zeroed(HW_INFO_VTD).put("cap_reg", cap.value()).put("ecap_reg", ecap.value());
        long caps = ecap.has(Ecap.SSADS) ? HwInfo.CAP_DIRTY_TRACKING : 0;
        if (ecap.has(Ecap.PASID)) {
            caps |= (ecap.has(Ecap.ERS) ? HwInfo.CAP_PCI_PASID_EXEC : 0) | (ecap.has(Ecap.SRS) ? HwInfo.CAP_PCI_PASID_PRIV : 0);
        }
        return new HwInfo(HwInfo.TYPE_INTEL_VTD, s.bytes(), caps, ecap.has(Ecap.PASID) ? ecap.pasidBits() : 0);
    }
}
