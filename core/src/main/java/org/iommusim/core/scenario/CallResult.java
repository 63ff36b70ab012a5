package org.iommusim.core.scenario;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a front-end command answered: {@code ok} with its out-fields ({@code name -> value}, numbers as
 * {@code 0x...}, buffers as hex bytes), or the errno name the kernel would return (with the fields it
 * writes back on error).
 */
public record CallResult(String op, String errno, Map<String, String> fields) {
    public CallResult {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public static CallResult ok(String op, Map<String, String> fields) {
        return new CallResult(op, null, fields);
    }

    public static CallResult failed(String op, String errno, Map<String, String> fields) {
        return new CallResult(op, errno, fields);
    }

    public boolean ok() {
        return errno == null;
    }
}
