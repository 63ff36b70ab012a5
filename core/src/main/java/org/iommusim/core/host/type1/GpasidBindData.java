package org.iommusim.core.host.type1;

import org.iommusim.core.uapi.Errno;
import org.iommusim.core.uapi.ErrnoException;
import org.iommusim.core.uapi.Layout;
import org.iommusim.core.uapi.UserStruct;

/**
 * {@code struct iommu_gpasid_bind_data} of include/uapi/linux/iommu.h (Linux 5.8-5.14), decoded with the
 * checks the IOMMU core made before calling a driver's sva_bind_gpasid: version 1, a known format, only
 * known flags, zero padding ({@code EINVAL} otherwise).
 */
public record GpasidBindData(int format, int addrWidth, long flags, long gpgd, long hpasid, long gpasid,
                             long vendorFlags, int pat, int emt) {
    public static final int VERSION_1 = 1;
    /** IOMMU_PASID_FORMAT_INTEL_VTD. */
    public static final int FORMAT_INTEL_VTD = 1;
    /**
     * iommusim's extension for SMMUv2 nested context banks (the uAPI never had one): gpgd is the guest's
     * TTBR0 (an IPA), addr_width its input size, 4 KiB granule.
     */
    public static final int FORMAT_ARM_SMMUV2 = 0x100;
    /** IOMMU_SVA_GPASID_VAL: gpasid is valid. */
    public static final long GPASID_VAL = 1;
    /** iommu_gpasid_bind_data_vtd.flags. */
    public static final long VTD_SRE = 1, VTD_EAFE = 1 << 1, VTD_PCD = 1 << 2, VTD_PWT = 1 << 3,
            VTD_EMTE = 1 << 4, VTD_CD = 1 << 5, VTD_WPE = 1 << 6;
    public static final long VTD_FLAGS = (1 << 7) - 1;

    public static final Layout LAYOUT = Layout.struct("iommu_gpasid_bind_data")
            .u32("argsz").u32("version").u32("format").u32("addr_width").u64("flags").u64("gpgd")
            .u64("hpasid").u64("gpasid").u64("padding")
            .begin("vendor").begin("vtd").u64("flags").u32("pat").u32("emt").end().end()
            .build();

    public static GpasidBindData decode(byte[] user) throws ErrnoException {
        UserStruct s = UserStruct.copyFromUser(LAYOUT, user, LAYOUT.size());
        if (s.get("argsz") < LAYOUT.size() || s.get("version") != VERSION_1) {
            throw Errno.EINVAL.failure("iommu_gpasid_bind_data: argsz " + s.get("argsz") + " version " + s.get("version"));
        }
        int format = s.getInt("format");
        if (format != FORMAT_INTEL_VTD && format != FORMAT_ARM_SMMUV2) {
            throw Errno.EINVAL.failure("iommu_gpasid_bind_data: unknown format " + format);
        }
        if (s.unknownBits("flags", GPASID_VAL) != 0 || s.get("padding") != 0) {
            throw Errno.EINVAL.failure("iommu_gpasid_bind_data: unknown flags or nonzero padding");
        }
        return new GpasidBindData(format, s.getInt("addr_width"), s.get("flags"), s.get("gpgd"), s.get("hpasid"),
                s.get("gpasid"), s.get("vendor.vtd.flags"), s.getInt("vendor.vtd.pat"), s.getInt("vendor.vtd.emt"));
    }
}
