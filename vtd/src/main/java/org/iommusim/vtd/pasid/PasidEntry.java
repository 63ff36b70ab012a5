package org.iommusim.vtd.pasid;

import org.iommusim.core.bits.Bits;
import org.iommusim.vtd.registers.Ecap;

/**
 * A scalable-mode PASID-table entry (512 bits), VT-d specification section 9.6. Only the first three
 * quadwords hold fields; the other five are reserved and must be zero.
 *
 * @param w0            bits 63:0 (P, FPD, AW, SSEE, PGTT, SSADE, SSPTPTR)
 * @param w1            bits 127:64 (DID, PWSNP, PGSNP, and the memory-type fields that need ECAP.MTS)
 * @param w2            bits 191:128 (SRE, ERE, FLPM, WPE, EAFE, FSPTPTR)
 * @param upperNonZero  whether any of bits 511:192 is set
 */
public record PasidEntry(long w0, long w1, long w2, boolean upperNonZero) {
    public static final int SIZE = 64;
    public static final int ENTRIES_PER_TABLE = 64;
    // w0
    public static final int P = 0;
    public static final int FPD = 1;
    public static final int AW_HI = 4, AW_LO = 2;
    public static final int SSEE = 5;
    public static final int PGTT_HI = 8, PGTT_LO = 6;
    public static final int SSADE = 9;
    public static final int RSVD0_HI = 11, RSVD0_LO = 10;
    public static final int SSPTPTR_HI = 63, SSPTPTR_LO = 12;
    // w1
    public static final int DID_HI = 15, DID_LO = 0;
    public static final int RSVD1_HI = 22, RSVD1_LO = 16;
    public static final int PWSNP = 23;
    public static final int PGSNP = 24;
    /** CD, EMTE, EMT, PWT, PCD and PAT: defined only when ECAP.MTS=1, reserved otherwise. */
    public static final int MEMORY_TYPE_HI = 63, MEMORY_TYPE_LO = 25;
    // w2
    public static final int SRE = 0;
    public static final int ERE = 1;
    public static final int FLPM_HI = 3, FLPM_LO = 2;
    public static final int WPE = 4;
    public static final int EAFE = 7;
    public static final int RSVD2_HI = 11, RSVD2_LO = 8;
    public static final int FSPTPTR_HI = 63, FSPTPTR_LO = 12;

    /** FLPM value for 4-level first-stage paging. */
    public static final int FLPM_4LEVEL = 0;
    /** FLPM value for 5-level first-stage paging (needs CAP.FL5LP). */
    public static final int FLPM_5LEVEL = 1;

    public boolean present() {
        return Bits.bit(w0, P);
    }

    public boolean faultProcessingDisable() {
        return Bits.bit(w0, FPD);
    }

    /** Second-stage AW: 1 = 39-bit 3-level, 2 = 48-bit 4-level, 3 = 57-bit 5-level. */
    public int addressWidth() {
        return (int) Bits.field(w0, AW_HI, AW_LO);
    }

    public boolean secondStageExecuteEnable() {
        return Bits.bit(w0, SSEE);
    }

    public int pgttField() {
        return (int) Bits.field(w0, PGTT_HI, PGTT_LO);
    }

    /** The translation type, or null when PGTT holds a reserved encoding. */
    public Pgtt pgtt() {
        return Pgtt.of(pgttField());
    }

    public boolean secondStageAccessDirtyEnable() {
        return Bits.bit(w0, SSADE);
    }

    public long secondStagePointer() {
        return Bits.extract(w0, SSPTPTR_HI, SSPTPTR_LO);
    }

    public int domainId() {
        return (int) Bits.field(w1, DID_HI, DID_LO);
    }

    public boolean supervisorRequestEnable() {
        return Bits.bit(w2, SRE);
    }

    public boolean executeRequestEnable() {
        return Bits.bit(w2, ERE);
    }

    public int firstStagePagingMode() {
        return (int) Bits.field(w2, FLPM_HI, FLPM_LO);
    }

    public boolean writeProtectEnable() {
        return Bits.bit(w2, WPE);
    }

    public boolean extendedAccessedFlagEnable() {
        return Bits.bit(w2, EAFE);
    }

    public long firstStagePointer() {
        return Bits.extract(w2, FSPTPTR_HI, FSPTPTR_LO);
    }

    /**
     * Reserved fields, including every field of a feature the unit does not report (section 9.6: the
     * second-stage fields without ECAP.SSTS, SSADE without SSADS, PWSNP without SMPWCS, PGSNP without
     * SC, the memory-type fields without MTS, SRE without SRS, the first-stage fields without FSTS, EAFE
     * without EAFS, and SSEE/ERE without ERS, which revision 4.1 and later no longer define).
     */
    public boolean reservedBitsSet(int hostAddressWidth, Ecap ecap) {
        boolean ss = ecap.has(Ecap.SSTS);
        boolean fs = ecap.has(Ecap.FSTS);
        return Bits.field(w0, RSVD0_HI, RSVD0_LO) != 0
                || (Bits.bit(w0, SSEE) && !ecap.has(Ecap.ERS))
                || (!ss && (addressWidth() != 0 || secondStagePointer() != 0))
                || (secondStageAccessDirtyEnable() && !(ss && ecap.has(Ecap.SSADS)))
                || Bits.field(w1, RSVD1_HI, RSVD1_LO) != 0
                || (Bits.bit(w1, PWSNP) && !ecap.has(Ecap.SMPWCS))
                || (Bits.bit(w1, PGSNP) && !ecap.has(Ecap.SC))
                || (!ecap.has(Ecap.MTS) && Bits.field(w1, MEMORY_TYPE_HI, MEMORY_TYPE_LO) != 0)
                || (supervisorRequestEnable() && !ecap.has(Ecap.SRS))
                || (executeRequestEnable() && !ecap.has(Ecap.ERS))
                || (!fs && (firstStagePagingMode() != 0 || writeProtectEnable() || firstStagePointer() != 0))
                || (extendedAccessedFlagEnable() && !ecap.has(Ecap.EAFS))
                || Bits.field(w2, RSVD2_HI, RSVD2_LO) != 0
                || (hostAddressWidth < 64 && ((w0 >>> hostAddressWidth) != 0 || (w2 >>> hostAddressWidth) != 0))
                || upperNonZero;
    }

    /** PWSNP: hardware walks of the paging structures snoop processor caches. */
    public boolean pageWalkSnoop() {
        return Bits.bit(w1, PWSNP);
    }

    public static long entryAddress(long table, int pasid) {
        return table + (long) (pasid & (ENTRIES_PER_TABLE - 1)) * SIZE;
    }
}
