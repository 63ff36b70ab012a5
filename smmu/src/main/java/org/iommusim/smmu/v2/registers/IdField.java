package org.iommusim.smmu.v2.registers;

import java.util.Map;

import org.iommusim.core.bits.Bits;

/** One named field of an ID register, as the specification's table gives it. */
record IdField(String name, int hi, int lo) {
    long of(long value) {
        return Bits.field(value, hi, lo);
    }

    /** Puts every field of {@code value} into {@code out} as "REGISTER.FIELD". */
    static void decode(String register, long value, IdField[] fields, Map<String, Long> out) {
        for (IdField f : fields) {
            out.put(register + "." + f.name, f.of(value));
        }
    }
}
