package org.iommusim.vtd;

import java.util.List;
import java.util.Map;

import org.iommusim.core.bits.Numbers;
import org.iommusim.core.cache.CacheConfig;
import org.iommusim.core.cache.ReplacementPolicy;
import org.iommusim.core.iommu.CachesOption;
import org.iommusim.core.iommu.IdRegister;
import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.iommu.MachineConfigException;
import org.iommusim.core.iommu.MachineKind;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.vtd.cache.VtdCaches.CacheSizes;
import org.iommusim.vtd.preset.Presets;
import org.iommusim.vtd.registers.Cap;
import org.iommusim.vtd.registers.Ecap;
import org.iommusim.vtd.registers.RegisterOffsets;

/**
 * {@code machine vtd [preset=NAME] [cap=N] [ecap=N] [ver=N]}, plus the cache options {@code iotlb=N},
 * {@code iotlb_ways=N}, {@code context_cache=N}, {@code pasid_cache=N}, {@code fs_psc=N}, {@code ss_psc=N}
 * (entries; 0 disables a cache), {@code cache_policy=lru|fifo|random} and {@code caches=none} (every cache off).
 */
public final class VtdMachineKind implements MachineKind {
    /** The fixed registers end with the page-request event registers at 0xEC. */
    private static final long FIRST_FREE_OFFSET = 0xF0;

    @Override
    public String name() {
        return "vtd";
    }

    @Override
    public String description() {
        return "Intel VT-d DMA remapping unit (legacy and scalable mode, first/second/nested stages)";
    }

    @Override
    public List<IdRegister> idRegisters() {
        return List.of(new IdRegister("VER", RegisterOffsets.VER, 4), new IdRegister("CAP", RegisterOffsets.CAP, 8),
                new IdRegister("ECAP", RegisterOffsets.ECAP, 8));
    }

    @Override
    public List<String> presets() {
        return Presets.names();
    }

    @Override
    public Iommu create(PhysicalMemory memory, Map<String, String> options) throws MachineConfigException {
        return new VtdIommu(memory, configure(options));
    }

    /** The configuration the options describe. */
    public static VtdConfig configure(Map<String, String> options) throws MachineConfigException {
        String presetName = options.getOrDefault("preset", "default");
        VtdConfig base = Presets.get(presetName);
        if (base == null) {
            throw new MachineConfigException("unknown preset '" + presetName + "' (known: "
                    + String.join(", ", Presets.names()) + ")");
        }
        long cap = base.cap().value();
        long ecap = base.ecap().value();
        int ver = base.ver();
        CacheSizes d = base.caches();
        CacheConfig iotlb = d.iotlb();
        CacheConfig context = d.context();
        CacheConfig pasid = d.pasid();
        CacheConfig fsPsc = d.firstStagePsc();
        CacheConfig ssPsc = d.secondStagePsc();
        if (CachesOption.none(options)) {
            iotlb = context = pasid = fsPsc = ssPsc = CacheConfig.disabled();
        }
        ReplacementPolicy policy = null;
        Integer iotlbWays = null;
        for (Map.Entry<String, String> o : options.entrySet()) {
            String v = o.getValue();
            switch (o.getKey()) {
                case "preset", CachesOption.KEY -> { }
                case "cap" -> cap = number(o.getKey(), v);
                case "ecap" -> ecap = number(o.getKey(), v);
                case "ver" -> ver = (int) bounded(o.getKey(), v, 0xFF);
                case "iotlb" -> iotlb = entries(o.getKey(), v);
                case "iotlb_ways" -> iotlbWays = (int) bounded(o.getKey(), v, 1 << 16);
                case "context_cache" -> context = entries(o.getKey(), v);
                case "pasid_cache" -> pasid = entries(o.getKey(), v);
                case "fs_psc" -> fsPsc = entries(o.getKey(), v);
                case "ss_psc" -> ssPsc = entries(o.getKey(), v);
                case "cache_policy" -> {
                    try {
                        policy = ReplacementPolicy.valueOf(v.toUpperCase(java.util.Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new MachineConfigException("cache_policy must be lru, fifo or random");
                    }
                }
                default -> throw new MachineConfigException("unknown vtd option '" + o.getKey()
                        + "' (preset, cap, ecap, ver, iotlb, iotlb_ways, context_cache, pasid_cache, fs_psc,"
                        + " ss_psc, cache_policy, caches)");
            }
        }
        if (iotlbWays != null) {
            if (iotlb.entries() > 0 && iotlb.entries() % iotlbWays != 0) {
                throw new MachineConfigException("iotlb entries must be a multiple of iotlb_ways");
            }
            iotlb = new CacheConfig(iotlb.entries(), iotlb.entries() == 0 ? 1 : iotlbWays, iotlb.policy(), 0);
        }
        if (policy != null) {
            iotlb = iotlb.withPolicy(policy);
            context = context.withPolicy(policy);
            pasid = pasid.withPolicy(policy);
            fsPsc = fsPsc.withPolicy(policy);
            ssPsc = ssPsc.withPolicy(policy);
        }
        Cap c = new Cap(cap);
        Ecap e = new Ecap(ecap);
        checkLayout(c, e);
        return new VtdConfig(c, e, ver, new CacheSizes(iotlb, context, pasid, fsPsc, ssPsc));
    }

    /** The fault recording and IOTLB registers must not overlap each other or the fixed registers. */
    private static void checkLayout(Cap c, Ecap e) throws MachineConfigException {
        long fro = c.faultRecordingOffset();
        long froEnd = fro + 16L * c.faultRecordCount();
        long iro = e.iotlbRegisterOffset();
        if (fro < FIRST_FREE_OFFSET || iro < FIRST_FREE_OFFSET || (iro < froEnd && fro < iro + 16)) {
            throw new MachineConfigException(String.format(
                    "CAP.FRO (0x%x, %d records) and ECAP.IRO (0x%x) overlap each other or the fixed registers",
                    fro, c.faultRecordCount(), iro));
        }
    }

    private static long number(String key, String v) throws MachineConfigException {
        try {
            return Numbers.parseUnsigned(v);
        } catch (NumberFormatException ex) {
            throw new MachineConfigException(key + ": " + ex.getMessage());
        }
    }

    private static long bounded(String key, String v, long max) throws MachineConfigException {
        long n = number(key, v);
        if (Long.compareUnsigned(n, max) > 0) {
            throw new MachineConfigException(key + " must be at most " + max);
        }
        return n;
    }

    private static CacheConfig entries(String key, String v) throws MachineConfigException {
        int n = (int) bounded(key, v, 1 << 16);
        return n == 0 ? CacheConfig.disabled() : CacheConfig.of(n, n);
    }
}
