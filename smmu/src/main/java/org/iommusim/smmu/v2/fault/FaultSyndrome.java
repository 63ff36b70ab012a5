package org.iommusim.smmu.v2.fault;

/**
 * FSYNR0, the context fault syndrome (Arm IHI 0062 section 17.3, SMMU_CBn_FSYNR0 in the stage-2 format, and
 * section 3.5; the stage-1 format of section 16.5 has the same low fields without NESTED, S1PTWF and S1CBNDX).
 */
public final class FaultSyndrome {
    private FaultSyndrome() {
    }

    /** PLVL[1:0]: the table level of the fault. */
    public static final int PLVL_MASK = 3;
    /** The fault is in a nested (stage 1 then stage 2) translation. */
    public static final int NESTED = 1 << 2;
    /** Stage-2 fault while translating a stage-1 table walk access. */
    public static final int S1PTWF = 1 << 3;
    /** Write, not read. */
    public static final int WNR = 1 << 4;
    /** Privileged, not unprivileged. */
    public static final int PNU = 1 << 5;
    /** Instruction, not data. */
    public static final int IND = 1 << 6;
    /** The fault happened on a translation table access. */
    public static final int PTWF = 1 << 10;
    /** S1CBNDX[23:16]: the stage-1 context bank of a nested fault. */
    public static final int S1CBNDX_SHIFT = 16;
}
