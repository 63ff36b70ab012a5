package org.iommusim.smmu.v3;

import java.util.List;
import java.util.Map;

import org.iommusim.core.bits.Numbers;
import org.iommusim.core.iommu.IdRegister;
import org.iommusim.core.iommu.CachesOption;
import org.iommusim.core.iommu.Iommu;
import org.iommusim.smmu.v3.cache.CacheSizes;
import org.iommusim.core.iommu.MachineConfigException;
import org.iommusim.core.iommu.MachineKind;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.smmu.v3.preset.Presets;
import org.iommusim.smmu.v3.registers.IdRegisters;
import org.iommusim.smmu.v3.registers.RegisterOffsets;

/** {@code machine smmuv3 [preset=NAME] [idr0=N ... idr5=N] [iidr=N] [aidr=N] [caches=none]}. */
public final class SmmuV3Kind implements MachineKind {
    private static final List<String> REGISTERS = List.of("idr0", "idr1", "idr2", "idr3", "idr4", "idr5", "iidr",
            "aidr");

    @Override
    public String name() {
        return "smmuv3";
    }

    @Override
    public String description() {
        return "Arm SMMUv3 (IHI 0070): stream table, STE, CD tables with SubstreamIDs, stage 1/2/nested "
                + "VMSAv8-64, TLB and config/walk caches, command and event queues";
    }

    @Override
    public List<IdRegister> idRegisters() {
        return List.of(new IdRegister("IDR0", RegisterOffsets.IDR0, 4), new IdRegister("IDR1", RegisterOffsets.IDR1, 4),
                new IdRegister("IDR2", RegisterOffsets.IDR2, 4), new IdRegister("IDR3", RegisterOffsets.IDR3, 4),
                new IdRegister("IDR4", RegisterOffsets.IDR4, 4), new IdRegister("IDR5", RegisterOffsets.IDR5, 4),
                new IdRegister("IIDR", RegisterOffsets.IIDR, 4), new IdRegister("AIDR", RegisterOffsets.AIDR, 4));
    }

    @Override
    public List<String> presets() {
        return Presets.names();
    }

    @Override
    public Iommu create(PhysicalMemory memory, Map<String, String> options) throws MachineConfigException {
        return new SmmuV3(memory, idRegisters(options), CachesOption.none(options) ? CacheSizes.NONE : CacheSizes.DEFAULT);
    }

    /** The ID registers the options select: a preset, then any register given overrides it. */
    public static IdRegisters idRegisters(Map<String, String> options) throws MachineConfigException {
        IdRegisters base = Presets.DEFAULT;
        int[] values = null;
        for (Map.Entry<String, String> e : options.entrySet()) {
            String key = e.getKey();
            if (key.equals(CachesOption.KEY)) {
                continue;
            }
            if (key.equals("preset")) {
                base = Presets.find(e.getValue()).orElseThrow(() -> new MachineConfigException(
                        "unknown smmuv3 preset '" + e.getValue() + "' (known: " + String.join(", ", Presets.names())
                                + ")"));
            } else if (!REGISTERS.contains(key)) {
                throw new MachineConfigException("unknown smmuv3 option '" + key + "' (known: preset, "
                        + String.join(", ", REGISTERS) + ", caches)");
            }
        }
        values = new int[] {base.idr0(), base.idr1(), base.idr2(), base.idr3(), base.idr4(), base.idr5(),
                base.iidr(), base.aidr()};
        for (int i = 0; i < REGISTERS.size(); i++) {
            String text = options.get(REGISTERS.get(i));
            if (text != null) {
                long v;
                try {
                    v = Numbers.parseUnsigned(text);
                } catch (NumberFormatException ex) {
                    throw new MachineConfigException(REGISTERS.get(i) + ": " + ex.getMessage());
                }
                if ((v >>> 32) != 0) {
                    throw new MachineConfigException(REGISTERS.get(i) + " is a 32-bit register: " + text);
                }
                values[i] = (int) v;
            }
        }
        return new IdRegisters(values[0], values[1], values[2], values[3], values[4], values[5], values[6],
                values[7]);
    }
}
