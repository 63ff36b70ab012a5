package org.iommusim.vtd.host;

import org.iommusim.core.uapi.Errno;
import org.iommusim.core.uapi.ErrnoException;
import org.iommusim.core.uapi.Layout;
import org.iommusim.core.uapi.UserStruct;
import org.iommusim.vtd.registers.Cap;
import org.iommusim.vtd.registers.Ecap;

/**
 * A guest first-stage table as user space describes it: {@code struct iommu_hwpt_vtd_s1} (iommufd) or
 * the VT-d part of {@code iommu_gpasid_bind_data} (2020 type1), checked against what the unit supports
 * as Linux's intel_pasid_setup_nested checks it (when the domain is attached, not when it is allocated): 48- or 57-bit width (57 only with CAP.FL5LP), SRE only
 * with ECAP.SRS, EAFE only with ECAP.EAFS ({@code EINVAL} otherwise).
 */
record StageOneData(long pgtblAddr, int addrWidth, boolean sre, boolean eafe, boolean wpe) {
    static final long S1_SRE = 1, S1_EAFE = 1 << 1, S1_WPE = 1 << 2;
    static final Layout HWPT_VTD_S1 = Layout.struct("iommu_hwpt_vtd_s1")
            .u64("flags").u64("pgtbl_addr").u32("addr_width").u32("__reserved").build();

    static StageOneData fromHwpt(byte[] data) throws ErrnoException {
        UserStruct s = UserStruct.copyFromUser(HWPT_VTD_S1, data, HWPT_VTD_S1.size());
        if (s.unknownBits("flags", S1_SRE | S1_EAFE | S1_WPE) != 0 || s.get("__reserved") != 0) {
            throw Errno.EOPNOTSUPP.failure("iommu_hwpt_vtd_s1: unknown flags or reserved bits");
        }
        long flags = s.get("flags");
        return new StageOneData(s.get("pgtbl_addr"), s.getInt("addr_width"), (flags & S1_SRE) != 0,
                (flags & S1_EAFE) != 0, (flags & S1_WPE) != 0);
    }

    static StageOneData check(StageOneData d, Cap cap, Ecap ecap) throws ErrnoException {
        if (d.addrWidth != 48 && d.addrWidth != 57 || d.addrWidth == 57 && !cap.firstStage5Level()) {
            throw Errno.EINVAL.failure("first-stage address width " + d.addrWidth + " not supported");
        }
        if (d.sre && !ecap.has(Ecap.SRS) || d.eafe && !ecap.has(Ecap.EAFS)) {
            throw Errno.EINVAL.failure("SRE needs ECAP.SRS and EAFE needs ECAP.EAFS");
        }
        if ((d.pgtblAddr & 0xFFF) != 0) {
            throw Errno.EINVAL.failure("first-stage table address not 4 KiB aligned");
        }
        return d;
    }

    int levels() {
        return addrWidth == 57 ? 5 : 4;
    }
}
