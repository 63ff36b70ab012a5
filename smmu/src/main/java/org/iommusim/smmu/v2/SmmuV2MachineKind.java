package org.iommusim.smmu.v2;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.iommusim.core.bits.Numbers;
import org.iommusim.core.cache.CacheConfig;
import org.iommusim.core.cache.ReplacementPolicy;
import org.iommusim.core.iommu.IdRegister;
import org.iommusim.core.iommu.CachesOption;
import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.iommu.MachineConfigException;
import org.iommusim.core.iommu.MachineKind;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.smmu.v2.preset.SmmuV2Preset;
import org.iommusim.smmu.v2.registers.GlobalRegisters;
import org.iommusim.smmu.v2.registers.Idr0;
import org.iommusim.smmu.v2.registers.Idr1;

/**
 * {@code machine smmuv2 [preset=default|mmu500] [idr0=N] [idr1=N] [idr2=N] [tlb_entries=N] [tlb_ways=N]
 * [tlb_policy=lru|fifo|random] [caches=none]}: an Arm SMMUv2 whose register block starts at offset 0. The idrN options
 * override the preset's ID registers; the tlb options shape its TLB (default 256 entries, 8 ways, LRU).
 */
public final class SmmuV2MachineKind implements MachineKind {
    @Override
    public String name() {
        return "smmuv2";
    }

    @Override
    public String description() {
        return "Arm SMMUv2 (IHI 0062): stream matching, stage-1/stage-2/nested context banks, VMSAv8-64 tables";
    }

    @Override
    public List<IdRegister> idRegisters() {
        return List.of(new IdRegister("IDR0", GlobalRegisters.IDR0, 4), new IdRegister("IDR1", GlobalRegisters.IDR1, 4),
                new IdRegister("IDR2", GlobalRegisters.IDR2, 4), new IdRegister("IDR7", GlobalRegisters.IDR7, 4));
    }

    @Override
    public List<String> presets() {
        return SmmuV2Preset.all().stream().map(SmmuV2Preset::name).toList();
    }

    @Override
    public Iommu create(PhysicalMemory memory, Map<String, String> options) throws MachineConfigException {
        return new SmmuV2(memory, configure(options));
    }

    /** The configuration the options describe. */
    public static SmmuV2Config configure(Map<String, String> options) throws MachineConfigException {
        SmmuV2Preset preset = SmmuV2Preset.DEFAULT;
        if (options.containsKey("preset")) {
            String name = options.get("preset");
            preset = SmmuV2Preset.find(name).orElseThrow(() -> new MachineConfigException(
                    "unknown smmuv2 preset '" + name + "' (default, mmu500)"));
        }
        int idr0 = preset.idr0();
        int idr1 = preset.idr1();
        int idr2 = preset.idr2();
        int entries = SmmuV2Config.DEFAULT_TLB.entries();
        int ways = SmmuV2Config.DEFAULT_TLB.ways();
        ReplacementPolicy policy = SmmuV2Config.DEFAULT_TLB.policy();
        for (Map.Entry<String, String> e : options.entrySet()) {
            switch (e.getKey()) {
                case "preset", CachesOption.KEY -> { }
                case "idr0" -> idr0 = register(e);
                case "idr1" -> idr1 = register(e);
                case "idr2" -> idr2 = register(e);
                case "tlb_entries" -> entries = count(e);
                case "tlb_ways" -> ways = count(e);
                case "tlb_policy" -> policy = policy(e.getValue());
                default -> throw new MachineConfigException("unknown smmuv2 option '" + e.getKey()
                        + "' (preset, idr0, idr1, idr2, tlb_entries, tlb_ways, tlb_policy, caches)");
            }
        }
        Idr0 id0 = new Idr0(idr0);
        Idr1 id1 = new Idr1(idr1);
        if (id1.nums2cb() > id1.numcb()) {
            throw new MachineConfigException("IDR1.NUMS2CB (" + id1.nums2cb() + ") exceeds IDR1.NUMCB ("
                    + id1.numcb() + ")");
        }
        int numPage = 1 << (id1.numpagendxb() + 1);
        if (id1.numcb() > numPage) {
            throw new MachineConfigException("IDR1.NUMCB (" + id1.numcb() + ") exceeds the " + numPage
                    + " context bank pages IDR1.NUMPAGENDXB provides");
        }
        if (id0.nts() && !(id0.s1ts() && id0.s2ts())) {
            throw new MachineConfigException("IDR0.NTS requires IDR0.S1TS and IDR0.S2TS");
        }
        CacheConfig tlb;
        try {
            tlb = entries == 0 || CachesOption.none(options) ? CacheConfig.disabled() : new CacheConfig(entries, Math.min(ways, entries), policy, 0);
        } catch (IllegalArgumentException ex) {
            throw new MachineConfigException("bad TLB shape: " + ex.getMessage());
        }
        return new SmmuV2Config(idr0, idr1, idr2, preset.idr7(), tlb);
    }

    private static int register(Map.Entry<String, String> e) throws MachineConfigException {
        long v = number(e);
        if (v >>> 32 != 0) {
            throw new MachineConfigException(e.getKey() + " must fit in 32 bits");
        }
        return (int) v;
    }

    private static int count(Map.Entry<String, String> e) throws MachineConfigException {
        long v = number(e);
        if (v > 1 << 20) {
            throw new MachineConfigException(e.getKey() + " must be at most " + (1 << 20));
        }
        return (int) v;
    }

    private static long number(Map.Entry<String, String> e) throws MachineConfigException {
        try {
            return Numbers.parseUnsigned(e.getValue());
        } catch (NumberFormatException ex) {
            throw new MachineConfigException(e.getKey() + ": " + ex.getMessage());
        }
    }

    private static ReplacementPolicy policy(String value) throws MachineConfigException {
        try {
            return ReplacementPolicy.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException ex) {
            throw new MachineConfigException("tlb_policy must be lru, fifo or random");
        }
    }
}
