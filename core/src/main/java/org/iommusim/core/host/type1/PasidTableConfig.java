package org.iommusim.core.host.type1;

import org.iommusim.core.uapi.Errno;
import org.iommusim.core.uapi.ErrnoException;
import org.iommusim.core.uapi.Layout;
import org.iommusim.core.uapi.UserStruct;

/**
 * {@code struct iommu_pasid_table_config} of Eric Auger's SMMUv3 nested-stage series (the 2020 type1
 * SET_PASID_TABLE payload), decoded with the core's checks: version 1, the SMMUv3 format, a known config,
 * SMMUv3 vendor version 1; {@code EINVAL} otherwise.
 *
 * @param basePtr   the guest's CD table (an IPA)
 * @param pasidBits log2 of the number of CDs (S1CDMax)
 * @param config    CONFIG_TRANSLATE, CONFIG_BYPASS or CONFIG_ABORT
 */
public record PasidTableConfig(long basePtr, int pasidBits, int config, int s1fmt, int s1dss) {
    public static final int VERSION_1 = 1;
    public static final int FORMAT_SMMUV3 = 1;
    public static final int CONFIG_TRANSLATE = 1, CONFIG_BYPASS = 2, CONFIG_ABORT = 3;
    public static final int SMMUV3_VERSION_1 = 1;

    public static final Layout LAYOUT = Layout.struct("iommu_pasid_table_config")
            .u32("argsz").u32("version").u64("base_ptr").u8("pasid_bits").u8("config").u8("format").padTo(24)
            .begin("vendor_data").begin("smmuv3").u32("version").u8("s1fmt").u8("s1dss").padTo(32).end().end()
            .build();

    public static PasidTableConfig decode(byte[] user) throws ErrnoException {
        UserStruct s = UserStruct.copyFromUser(LAYOUT, user, LAYOUT.size());
        int config = s.getInt("config");
        if (s.get("argsz") < LAYOUT.size() || s.get("version") != VERSION_1 || s.get("format") != FORMAT_SMMUV3
                || config < CONFIG_TRANSLATE || config > CONFIG_ABORT
                || (config == CONFIG_TRANSLATE && s.get("vendor_data.smmuv3.version") != SMMUV3_VERSION_1)) {
            throw Errno.EINVAL.failure("iommu_pasid_table_config: argsz/version/format/config");
        }
        return new PasidTableConfig(s.get("base_ptr"), s.getInt("pasid_bits"), config,
                s.getInt("vendor_data.smmuv3.s1fmt"), s.getInt("vendor_data.smmuv3.s1dss"));
    }
}
