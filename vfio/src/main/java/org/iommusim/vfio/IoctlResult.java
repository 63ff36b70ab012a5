package org.iommusim.vfio;

import java.util.LinkedHashMap;
import java.util.Map;

import org.iommusim.core.uapi.Errno;

/**
 * What one ioctl returned: success with the ioctl's return value (where it has one) and the out-fields
 * the kernel wrote, or an errno (with the fields the kernel writes back even then).
 *
 * @param fields numbers as Long, returned buffers as byte[]
 */
public record IoctlResult(Errno errno, Long value, Map<String, Object> fields) {
    public IoctlResult {
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public boolean ok() {
        return errno == null;
    }

    public static IoctlResult failed(Errno errno) {
        return new IoctlResult(errno, null, Map.of());
    }

    /** A number out-field; throws for a name the call did not write (a test's bug). */
    public long field(String name) {
        Object v = fields.get(name);
        if (!(v instanceof Long l)) {
            throw new IllegalArgumentException("no number field " + name + " in " + fields);
        }
        return l;
    }
}
