package org.iommusim.core.iommu;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The machine kinds known to this build: those on the class path, plus any registered by hand. */
public final class MachineKinds {
    private static final Map<String, MachineKind> EXTRA = new TreeMap<>();

    private MachineKinds() {
    }

    /** All kinds, by name. */
    public static synchronized Map<String, MachineKind> all() {
        Map<String, MachineKind> kinds = new TreeMap<>();
        for (MachineKind k : ServiceLoader.load(MachineKind.class)) {
            kinds.put(k.name(), k);
        }
        kinds.putAll(EXTRA);
        return Collections.unmodifiableMap(kinds);
    }

    public static Optional<MachineKind> find(String name) {
        return Optional.ofNullable(all().get(name));
    }

    /** Makes a kind known without a service file (tests, embedders). */
    public static synchronized void register(MachineKind kind) {
        EXTRA.put(kind.name(), kind);
    }

    public static synchronized void unregister(String name) {
        EXTRA.remove(name);
    }
}
