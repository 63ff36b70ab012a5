package org.iommusim.smmu.v3.preset;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.iommusim.smmu.v3.registers.IdRegisters;

/**
 * Named ID-register sets for {@code machine smmuv3 preset=NAME}. Sources are cited in docs/smmuv3.md.
 */
public final class Presets {
    /**
     * Every feature the model implements: S1P, S2P, AArch64 tables, COHACC, HTTU access+dirty, Hyp, ATS,
     * 16-bit ASID and VMID, MSI, SEV, 2-level CD tables, little-endian tables, no stall (STALL_MODEL=1),
     * TERM_MODEL=1, 2-level stream tables; 16-bit StreamIDs, 20-bit SubstreamIDs, 2^19-entry queues;
     * HAD, XNX, RIL; 48-bit OAS, 4K/16K/64K granules; SMMUv3.2.
     */
    public static final IdRegisters DEFAULT = new IdRegisters(0x0D4C_769B, 0x0273_0510, 0, 0x0000_0414, 0,
            0x0000_0075, 0, 2);

    /** QEMU's arm-smmuv3 (smmuv3_init_regs / smmuv3_init_id_regs), default stage=1. */
    public static final IdRegisters QEMU = new IdRegisters(0x0D44_101A, 0x0273_0010, 0, 0x0000_1404, 0,
            0x0000_0074, 0, 1);

    /** QEMU's arm-smmuv3 with stage=nested: S1P and S2P, IDR3.XNX. */
    public static final IdRegisters QEMU_NESTED = new IdRegisters(0x0D44_101B, 0x0273_0010, 0, 0x0000_1414, 0,
            0x0000_0074, 0, 1);

    /** Arm CoreLink MMU-600 r2 as integrated in the Intel Agilex 5 HPS (reset values of its address map). */
    public static final IdRegisters MMU600_AGILEX5 = new IdRegisters(0x080F_7E3F, 0x0E73_9D18, 0, 0x0000_003C, 0,
            0x0040_0075, 0x4832_243B, 1);

    /** The SMMUv3 of the Intel NPU (VPU 37xx), the reference values its Linux driver checks. */
    public static final IdRegisters INTEL_NPU = new IdRegisters(0x080F_3E0F, 0x0E73_9D18, 0, 0x0000_003C, 0,
            0x0004_0070, 0, 1);

    private static final Map<String, IdRegisters> ALL = new LinkedHashMap<>();

    static {
        ALL.put("default", DEFAULT);
        ALL.put("qemu", QEMU);
        ALL.put("qemu-nested", QEMU_NESTED);
        ALL.put("mmu600", MMU600_AGILEX5);
        ALL.put("intel-npu", INTEL_NPU);
    }

    private Presets() {
    }

    public static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    public static Optional<IdRegisters> find(String name) {
        return Optional.ofNullable(ALL.get(name));
    }
}
