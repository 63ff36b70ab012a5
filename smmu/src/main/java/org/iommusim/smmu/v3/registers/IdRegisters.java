package org.iommusim.smmu.v3.registers;

import java.util.LinkedHashMap;
import java.util.Map;

import org.iommusim.core.bits.Bits;
import org.iommusim.smmu.vmsa.Granule;
import org.iommusim.smmu.vmsa.PhysicalAddressSize;

/**
 * The SMMUv3 identification registers (IHI 0070 6.3.1-6.3.8): IDR0-IDR5, IIDR and AIDR, with the fields
 * the model's behaviour follows decoded by name.
 */
public record IdRegisters(int idr0, int idr1, int idr2, int idr3, int idr4, int idr5, int iidr, int aidr) {
    /** HTTU encodings (IDR0[7:6]). */
    public static final int HTTU_NONE = 0;
    public static final int HTTU_ACCESS = 1;
    public static final int HTTU_ACCESS_DIRTY = 2;

    // ---- IDR0 ----
    public boolean s2p() {
        return Bits.bit(idr0, 0);
    }

    public boolean s1p() {
        return Bits.bit(idr0, 1);
    }

    /** TTF[3:2]: 1 AArch32 only, 2 AArch64 only, 3 both. */
    public int ttf() {
        return (int) Bits.field(idr0, 3, 2);
    }

    public boolean aarch64Tables() {
        return (ttf() & 2) != 0;
    }

    public boolean btm() {
        return Bits.bit(idr0, 5);
    }

    public int httu() {
        return (int) Bits.field(idr0, 7, 6);
    }

    public boolean hyp() {
        return Bits.bit(idr0, 9);
    }

    public boolean ats() {
        return Bits.bit(idr0, 10);
    }

    public boolean ns1ats() {
        return Bits.bit(idr0, 11);
    }

    public boolean asid16() {
        return Bits.bit(idr0, 12);
    }

    public boolean msi() {
        return Bits.bit(idr0, 13);
    }

    public boolean sev() {
        return Bits.bit(idr0, 14);
    }

    public boolean pri() {
        return Bits.bit(idr0, 16);
    }

    public boolean vmid16() {
        return Bits.bit(idr0, 18);
    }

    public boolean cd2l() {
        return Bits.bit(idr0, 19);
    }

    /** TTENDIAN[22:21]: 0 mixed, 2 little-endian only, 3 big-endian only. */
    public int ttendian() {
        return (int) Bits.field(idr0, 22, 21);
    }

    /** STALL_MODEL[25:24]: 0 stall and terminate, 1 terminate only, 2 stall forced. */
    public int stallModel() {
        return (int) Bits.field(idr0, 25, 24);
    }

    public boolean termModel() {
        return Bits.bit(idr0, 26);
    }

    /** ST_LEVEL[28:27]: 0 linear stream tables only, 1 2-level supported. */
    public int stLevel() {
        return (int) Bits.field(idr0, 28, 27);
    }

    // ---- IDR1 ----
    /** Largest legal SIDSIZE, SSIDSIZE and queue LOG2SIZE (6.3.2); larger field values are capped. */
    public static final int MAX_SIDSIZE = 32;
    public static final int MAX_SSIDSIZE = 20;
    public static final int MAX_QUEUE_LOG2SIZE = 19;

    public int sidSize() {
        return Math.min((int) Bits.field(idr1, 5, 0), MAX_SIDSIZE);
    }

    public int ssidSize() {
        return Math.min((int) Bits.field(idr1, 10, 6), MAX_SSIDSIZE);
    }

    public int eventqs() {
        return Math.min((int) Bits.field(idr1, 20, 16), MAX_QUEUE_LOG2SIZE);
    }

    public int cmdqs() {
        return Math.min((int) Bits.field(idr1, 25, 21), MAX_QUEUE_LOG2SIZE);
    }

    // ---- IDR3 ----
    public boolean had() {
        return Bits.bit(idr3, 2);
    }

    public boolean xnx() {
        return Bits.bit(idr3, 4);
    }

    public boolean ril() {
        return Bits.bit(idr3, 10);
    }

    // ---- IDR5 ----
    /** IDR5.OAS in bits (48 at most in this model: larger encodings are taken as 48). */
    public int oasBits() {
        int bits = PhysicalAddressSize.bits(Bits.field(idr5, 2, 0));
        return bits < 0 || bits > 48 ? 48 : bits;
    }

    public boolean granuleSupported(Granule g) {
        return switch (g) {
            case GRANULE_4K -> Bits.bit(idr5, 4);
            case GRANULE_16K -> Bits.bit(idr5, 5);
            case GRANULE_64K -> Bits.bit(idr5, 6);
        };
    }

    /** IDR5.STALL_MAX: the most transactions the SMMU can hold stalled. */
    public int stallMax() {
        return (int) Bits.field(idr5, 31, 16);
    }

    /** Every field, named "IDR0.S1P" ..., in register order. */
    public Map<String, Long> decode() {
        Map<String, Long> m = new LinkedHashMap<>();
        put(m, "IDR0", idr0, "S2P", 0, 0, "S1P", 1, 1, "TTF", 3, 2, "COHACC", 4, 4, "BTM", 5, 5, "HTTU", 7, 6,
                "DORMHINT", 8, 8, "HYP", 9, 9, "ATS", 10, 10, "NS1ATS", 11, 11, "ASID16", 12, 12, "MSI", 13, 13,
                "SEV", 14, 14, "ATOS", 15, 15, "PRI", 16, 16, "VMW", 17, 17, "VMID16", 18, 18, "CD2L", 19, 19,
                "VATOS", 20, 20, "TTENDIAN", 22, 21, "ATSRECERR", 23, 23, "STALL_MODEL", 25, 24,
                "TERM_MODEL", 26, 26, "ST_LEVEL", 28, 27, "RME_IMPL", 30, 30);
        put(m, "IDR1", idr1, "SIDSIZE", 5, 0, "SSIDSIZE", 10, 6, "PRIQS", 15, 11, "EVENTQS", 20, 16,
                "CMDQS", 25, 21, "ATTR_PERMS_OVR", 26, 26, "ATTR_TYPES_OVR", 27, 27, "REL", 28, 28,
                "QUEUES_PRESET", 29, 29, "TABLES_PRESET", 30, 30, "ECMDQ", 31, 31);
        put(m, "IDR2", idr2, "BA_VATOS", 9, 0);
        put(m, "IDR3", idr3, "HAD", 2, 2, "PBHA", 3, 3, "XNX", 4, 4, "PPS", 5, 5, "MPAM", 7, 7, "FWB", 8, 8,
                "STT", 9, 9, "RIL", 10, 10, "BBML", 12, 11, "E0PD", 13, 13, "PTWNNC", 14, 14, "DPT", 15, 15);
        put(m, "IDR4", idr4, "IMPDEF", 31, 0);
        put(m, "IDR5", idr5, "OAS", 2, 0, "GRAN4K", 4, 4, "GRAN16K", 5, 5, "GRAN64K", 6, 6, "VAX", 11, 10,
                "STALL_MAX", 31, 16);
        put(m, "IIDR", iidr, "Implementer", 11, 0, "Revision", 15, 12, "Variant", 19, 16, "ProductID", 31, 20);
        put(m, "AIDR", aidr, "ArchMinorRev", 3, 0, "ArchMajorRev", 7, 4);
        return m;
    }

    private static void put(Map<String, Long> m, String reg, int value, Object... fields) {
        for (int i = 0; i < fields.length; i += 3) {
            m.put(reg + "." + fields[i], Bits.field(value & 0xFFFF_FFFFL, (Integer) fields[i + 1],
                    (Integer) fields[i + 2]));
        }
    }

    public int read(int offset) {
        return switch (offset) {
            case RegisterOffsets.IDR0 -> idr0;
            case RegisterOffsets.IDR1 -> idr1;
            case RegisterOffsets.IDR2 -> idr2;
            case RegisterOffsets.IDR3 -> idr3;
            case RegisterOffsets.IDR4 -> idr4;
            case RegisterOffsets.IDR5 -> idr5;
            case RegisterOffsets.IIDR -> iidr;
            case RegisterOffsets.AIDR -> aidr;
            default -> 0;
        };
    }
}
