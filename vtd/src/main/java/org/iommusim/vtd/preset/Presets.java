package org.iommusim.vtd.preset;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.iommusim.vtd.VtdConfig;

/**
 * Named capability-register sets for {@code machine vtd preset=NAME}. Sources are cited in docs/vtd.md.
 */
public final class Presets {
    /**
     * Every feature the model implements: scalable mode, first stage (4- and 5-level, 1 GiB pages),
     * second stage (3/4/5-level, 2 MiB and 1 GiB pages, A/D), nesting, pass-through, 20-bit PASIDs,
     * supervisor and execute requests, EAFE, queued invalidation, 8 fault recording registers at 0x400,
     * IOTLB registers at 0x500, 64 Ki domains.
     *
     * <p>CAP: ND=6, SAGAW=0b01110, MGAW=56 (57 bits), FRO=0x40 (0x400), SLLPS=0b11, PSI, NFR=7, MAMV=18,
     * DWD, DRD, FL1GP, FL5LP, ESRTPS. ECAP: C, QI, DT, PT, SC, IRO=0x50 (0x500), NEST, ERS, SRS, EAFS,
     * PSS=19, PASID, SMTS, SSADS, SSTS, FSTS, SMPWCS, RPS, ADMS, RPRIVS. VER 5.0: the last major version
     * with register-based invalidation (section 6.5), and below 8, so execute requests (ERS) still exist.
     */
    public static final VtdConfig DEFAULT = VtdConfig.of(0x91D2_078C_4038_0E06L, 0x0033_E99C_C400_50C7L, 0x50);

    /**
     * QEMU's intel-iommu with {@code x-scalable-mode=on,x-flts=on} (aw-bits 48, dma-drain on, pt on,
     * no intremap/device-iotlb/pasid/snoop-control, caching mode off), as vtd_cap_init composes it:
     * FRO 0x220, one fault record, ND=6, MAMV=18, PSI, SLLPS, ESRTPS, MGAW 48, SAGAW 39+48, DRAIN,
     * FS1GP; ECAP QI, IRO 0xF0, PT, SMTS, FLTS. Version 1:0.
     */
    public static final VtdConfig QEMU = VtdConfig.of(0x81D2_008C_222F_0606L, 0x0000_8800_0000_0F42L, 0x10);

    /** Intel Server Board M50FCP (Sapphire/Emerald Rapids), dmar0 from a public boot log. */
    public static final VtdConfig SAPPHIRE_RAPIDS = VtdConfig.of(0x19ED_008C_4078_0C66L, 0x0003_EE9E_86F0_50DFL, 0x60);

    /** Granite Rapids Xeon 6515P (Dell PowerEdge R770), dmar0 from a public boot log. */
    public static final VtdConfig GRANITE_RAPIDS = VtdConfig.of(0xF9ED_008C_EE78_0C66L, 0x003F_EF9E_A6F0_EFDFL, 0x70);

    /** Meteor Lake-H Core Ultra 9 185H, default (non-graphics) unit dmar1, from a public boot log. */
    public static final VtdConfig METEOR_LAKE = VtdConfig.of(0xC9DE_008C_EE69_0462L, 0x0012_CA9A_00F0_EFDEL, 0x70);

    /** Ice Lake-SP Xeon Silver 4310: legacy mode only (no SMTS), from a public boot log. */
    public static final VtdConfig ICE_LAKE_SP = VtdConfig.of(0x08ED_008C_4078_0466L, 0x0000_0600_00F0_50DFL, 0x40);

    private static final Map<String, VtdConfig> ALL = new LinkedHashMap<>();

    static {
        ALL.put("default", DEFAULT);
        ALL.put("qemu", QEMU);
        ALL.put("sapphire-rapids", SAPPHIRE_RAPIDS);
        ALL.put("granite-rapids", GRANITE_RAPIDS);
        ALL.put("meteor-lake", METEOR_LAKE);
        ALL.put("ice-lake-sp", ICE_LAKE_SP);
    }

    private Presets() {
    }

    public static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    public static VtdConfig get(String name) {
        return ALL.get(name);
    }
}
