package org.iommusim.core.iommu;

import java.util.Map;

/**
 * The {@code caches=default|none} option every machine kind takes: {@code none} turns off every
 * translation, configuration and walk cache, so that each request walks from the root of the
 * configuration. A machine without caches is the reference a cache-transparency check compares against.
 */
public final class CachesOption {
    public static final String KEY = "caches";

    private CachesOption() {
    }

    /** True when the options ask for no caches. */
    public static boolean none(Map<String, String> options) throws MachineConfigException {
        String v = options.get(KEY);
        if (v == null || v.equals("default")) {
            return false;
        }
        if (v.equals("none")) {
            return true;
        }
        throw new MachineConfigException("caches must be default or none, not '" + v + "'");
    }
}
