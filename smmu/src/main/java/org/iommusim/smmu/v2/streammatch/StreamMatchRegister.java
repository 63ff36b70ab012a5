package org.iommusim.smmu.v2.streammatch;

import org.iommusim.core.bits.Bits;

/**
 * SMRn, a stream match register (Arm IHI 0062 section 9.6.25), in the format used while
 * sCR0.EXIDENABLE is 0: ID[14:0], MASK[30:16], VALID[31]. A MASK bit set makes that StreamID bit
 * "don't care" (section 2.3.2). Kept as a raw int in the model; these read its fields.
 */
public final class StreamMatchRegister {
    public static final int VALID = 1 << 31;
    private static final int FIELD_BITS = 15;

    private StreamMatchRegister() {
    }

    public static int id(int smr) {
        return (int) Bits.field(smr, 14, 0);
    }

    public static int mask(int smr) {
        return (int) Bits.field(smr, 30, 16);
    }

    public static boolean valid(int smr) {
        return (smr & VALID) != 0;
    }

    /** Whether {@code streamId} matches this SMR: valid, and equal to ID in every bit MASK does not ignore. */
    public static boolean matches(int smr, int streamId) {
        return valid(smr) && ((streamId ^ id(smr)) & ~mask(smr) & ((1 << FIELD_BITS) - 1)) == 0
                && (streamId >>> FIELD_BITS) == 0;
    }

    /** The stored value of a write: ID and MASK bits above the implemented StreamID width read as zero. */
    public static int written(int value, int streamIdBits) {
        int implemented = (1 << Math.min(streamIdBits, FIELD_BITS)) - 1;
        return (value & VALID) | (value & implemented) | (value & (implemented << 16));
    }

    /** An SMR value (for drivers and tests). */
    public static int of(int id, int mask, boolean valid) {
        return (valid ? VALID : 0) | ((mask & 0x7FFF) << 16) | (id & 0x7FFF);
    }
}
