package org.iommusim.smmu.v2.registers;

import java.util.Map;

import org.iommusim.core.bits.Bits;

/**
 * IDR1 (Arm IHI 0062 section 9.6.1, SMMU_IDR1): context banks and the register page geometry.
 *
 * @param value the register as read
 */
public record Idr1(int value) {
    private static final IdField[] FIELDS = {
        new IdField("NUMCB", 7, 0), new IdField("NUMSSDNDXB", 11, 8), new IdField("SSDTP", 13, 12),
        new IdField("SMCD", 15, 15), new IdField("NUMS2CB", 23, 16), new IdField("HAFDBS", 25, 24),
        new IdField("NUMPAGENDXB", 30, 28), new IdField("PAGESIZE", 31, 31),
    };

    /** Number of context banks. */
    public int numcb() {
        return (int) Bits.field(value, 7, 0);
    }

    /** Banks 0..NUMS2CB-1 support stage 2 only. */
    public int nums2cb() {
        return (int) Bits.field(value, 23, 16);
    }

    /** NUMPAGE = 2^(NUMPAGENDXB + 1). */
    public int numpagendxb() {
        return (int) Bits.field(value, 30, 28);
    }

    /** 64 KiB register pages when set, 4 KiB otherwise. */
    public boolean pagesize() {
        return Bits.bit(value, 31);
    }

    public void decode(Map<String, Long> out) {
        IdField.decode("IDR1", value & 0xFFFF_FFFFL, FIELDS, out);
    }
}
