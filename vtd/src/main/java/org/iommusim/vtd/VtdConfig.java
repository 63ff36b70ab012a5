package org.iommusim.vtd;

import java.util.Objects;

import org.iommusim.vtd.cache.VtdCaches.CacheSizes;
import org.iommusim.vtd.registers.Cap;
import org.iommusim.vtd.registers.Ecap;

/**
 * Everything that fixes a remapping unit's shape: its capability registers, its version register and
 * the sizes of its caches.
 */
public record VtdConfig(Cap cap, Ecap ecap, int ver, CacheSizes caches) {
    public VtdConfig {
        Objects.requireNonNull(cap, "cap");
        Objects.requireNonNull(ecap, "ecap");
        Objects.requireNonNull(caches, "caches");
    }

    public static VtdConfig of(long cap, long ecap, int ver) {
        return new VtdConfig(new Cap(cap), new Ecap(ecap), ver, CacheSizes.defaults());
    }

    public VtdConfig withCaches(CacheSizes sizes) {
        return new VtdConfig(cap, ecap, ver, sizes);
    }
}
