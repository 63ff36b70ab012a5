package org.iommusim.vfio.uapi;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every constant a script may name in an ioctl field ({@code flags=VFIO_DMA_MAP_FLAG_READ|...}): the
 * public integer constants of {@link VfioUapi}, {@link IommufdUapi} and {@link IommuUapi}, whose Java
 * names are the headers' names.
 */
public final class Constants {
    private static final Map<String, Long> BY_NAME = collect();

    private Constants() {
    }

    public static Optional<Long> value(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    public static Map<String, Long> all() {
        return BY_NAME;
    }

    private static Map<String, Long> collect() {
        Map<String, Long> m = new TreeMap<>();
        for (Class<?> c : new Class<?>[] {VfioUapi.class, IommufdUapi.class, IommuUapi.class}) {
            for (Field f : c.getFields()) {
                int mod = f.getModifiers();
                if (!Modifier.isStatic(mod) || !Modifier.isFinal(mod) || !f.getName().matches("[A-Z][A-Z0-9_v]*")) {
                    continue;
                }
                try {
                    if (f.getType() == int.class) {
                        m.put(f.getName(), (long) f.getInt(null));
                    } else if (f.getType() == long.class) {
                        m.put(f.getName(), f.getLong(null));
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return Collections.unmodifiableMap(m);
    }
}
