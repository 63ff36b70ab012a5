package org.iommusim.smmu.v2;

import java.util.Objects;

import org.iommusim.core.cache.CacheConfig;
import org.iommusim.core.cache.ReplacementPolicy;
import org.iommusim.smmu.v2.preset.SmmuV2Preset;

/**
 * How one SMMUv2 model is built: its ID registers (which fix the number of stream mapping groups and
 * context banks, the register page geometry and the supported granules) and the shape of its TLB.
 */
public record SmmuV2Config(int idr0, int idr1, int idr2, int idr7, CacheConfig tlb) {
    /** The default TLB: 256 entries, 8-way set associative, LRU. */
    public static final CacheConfig DEFAULT_TLB = new CacheConfig(256, 8, ReplacementPolicy.LRU, 0);

    public SmmuV2Config {
        Objects.requireNonNull(tlb, "tlb");
    }

    public static SmmuV2Config of(SmmuV2Preset preset) {
        return new SmmuV2Config(preset.idr0(), preset.idr1(), preset.idr2(), preset.idr7(), DEFAULT_TLB);
    }

    public static SmmuV2Config defaults() {
        return of(SmmuV2Preset.DEFAULT);
    }

    public SmmuV2Config withTlb(CacheConfig newTlb) {
        return new SmmuV2Config(idr0, idr1, idr2, idr7, newTlb);
    }
}
