package org.iommusim.smmu.v2.registers;

import java.util.Map;

import org.iommusim.core.bits.Bits;

/**
 * IDR0 (Arm IHI 0062 section 9.6.1, SMMU_IDR0): which translation stages, how streams are mapped, how many SMRs.
 *
 * @param value the register as read
 */
public record Idr0(int value) {
    private static final IdField[] FIELDS = {
        new IdField("NUMSMRG", 7, 0), new IdField("EXIDS", 8, 8), new IdField("NUMSIDB", 12, 9),
        new IdField("BTM", 13, 13), new IdField("CTTW", 14, 14), new IdField("EXSMRGS", 15, 15),
        new IdField("NUMIRPT", 23, 16), new IdField("PTFS", 25, 24), new IdField("ATOSNS", 26, 26),
        new IdField("SMS", 27, 27), new IdField("NTS", 28, 28), new IdField("S2TS", 29, 29),
        new IdField("S1TS", 30, 30), new IdField("SES", 31, 31),
    };

    /** Number of stream mapping register groups (SMR/S2CR pairs). */
    public int numsmrg() {
        return (int) Bits.field(value, 7, 0);
    }

    /** StreamID bits the SMMU accepts. */
    public int numsidb() {
        return (int) Bits.field(value, 12, 9);
    }

    /** PTFS: 0 both AArch32 formats, 1 LPAE only, 2 no AArch32 format. */
    public int ptfs() {
        return (int) Bits.field(value, 25, 24);
    }

    /** Stream matching (SMRs) rather than stream indexing. */
    public boolean sms() {
        return Bits.bit(value, 27);
    }

    /** Nested translation (stage 1 followed by stage 2) supported. */
    public boolean nts() {
        return Bits.bit(value, 28);
    }

    public boolean s2ts() {
        return Bits.bit(value, 29);
    }

    public boolean s1ts() {
        return Bits.bit(value, 30);
    }

    public void decode(Map<String, Long> out) {
        IdField.decode("IDR0", value & 0xFFFF_FFFFL, FIELDS, out);
    }
}
