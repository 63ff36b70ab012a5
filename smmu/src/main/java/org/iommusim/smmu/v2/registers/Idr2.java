package org.iommusim.smmu.v2.registers;

import java.util.Map;

import org.iommusim.core.bits.Bits;

/**
 * IDR2 (Arm IHI 0062 section 9.6.1, SMMU_IDR2): address sizes and the AArch64 translation granules.
 *
 * @param value the register as read
 */
public record Idr2(int value) {
    private static final IdField[] FIELDS = {
        new IdField("IAS", 3, 0), new IdField("OAS", 7, 4), new IdField("UBS", 11, 8),
        new IdField("PTFSv8_4kB", 12, 12), new IdField("PTFSv8_16kB", 13, 13),
        new IdField("PTFSv8_64kB", 14, 14), new IdField("VMID16S", 15, 15), new IdField("EXNUMSMRG", 26, 16),
        new IdField("E2HS", 27, 27), new IdField("HADS", 28, 28), new IdField("COMPINDEXS", 29, 29),
        new IdField("DIPANS", 30, 30),
    };

    /** Stage-1 output / stage-2 input address size in bits. */
    public int iasBits() {
        return sizeBits((int) Bits.field(value, 3, 0));
    }

    /** Stage-2 output address size in bits. */
    public int oasBits() {
        return sizeBits((int) Bits.field(value, 7, 4));
    }

    /** Upstream bus (stage-1 input) address size in bits. */
    public int ubsBits() {
        int ubs = (int) Bits.field(value, 11, 8);
        return ubs == 0xF ? 64 : sizeBits(ubs);
    }

    /** Whether the AArch64 granule of {@code pageShift} (12, 14 or 16) is supported. */
    public boolean granuleSupported(int pageShift) {
        switch (pageShift) {
            case 12:
                return Bits.bit(value, 12);
            case 14:
                return Bits.bit(value, 13);
            case 16:
                return Bits.bit(value, 14);
            default:
                return false;
        }
    }

    public boolean vmid16s() {
        return Bits.bit(value, 15);
    }

    /**
     * The address-size encoding shared by IAS, OAS and UBS: 0 = 32, 1 = 36, 2 = 40, 3 = 42, 4 = 44,
     * 5 = 48 bits; the reserved values read as 48, the largest this model supports.
     */
    public static int sizeBits(int encoding) {
        switch (encoding) {
            case 0:
                return 32;
            case 1:
                return 36;
            case 2:
                return 40;
            case 3:
                return 42;
            case 4:
                return 44;
            default:
                return 48;
        }
    }

    public void decode(Map<String, Long> out) {
        IdField.decode("IDR2", value & 0xFFFF_FFFFL, FIELDS, out);
    }
}
