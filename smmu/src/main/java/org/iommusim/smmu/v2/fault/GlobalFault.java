package org.iommusim.smmu.v2.fault;

/**
 * The global faults this model raises, each with its sGFSR bit (Arm IHI 0062 section 9.6.15, SMMU_sGFSR;
 * causes in section 3.8). A global fault is recorded in sGFSR/sGFAR/sGFSYNR0-1, never in a context bank.
 *
 * <p>They are not FSR bits, so {@link org.iommusim.core.request.Fault#code()} of a global fault is
 * {@link #CODE_BASE} plus the sGFSR bit index (ICF 0x100, USF 0x101, SMCF 0x102, UCBF 0x103), with
 * stage 0: scripts tell them apart from context faults with {@code expect fault reason=0x101}.
 */
public enum GlobalFault {
    /** Invalid context fault: S2CR type fault, or a context bank whose CBAR cannot be used. */
    ICF(0),
    /** Unidentified stream fault: no SMR matches and sCR0.USFCFG = 1. */
    USF(1),
    /** Stream match conflict fault: several SMRs match and sCR0.SMCFCFG = 1. */
    SMCF(2),
    /** Unimplemented context bank fault: S2CR.CBNDX or CBAR.CBNDX names a bank that does not exist. */
    UCBF(3);

    public static final int CODE_BASE = 0x100;

    private final int bit;

    GlobalFault(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    public int code() {
        return CODE_BASE + bit;
    }

    // sGFSR / sGFSYNR0 fields
    public static final int SGFSR_MULTI = 1 << 31;
    /** sGFSYNR0.Nested: the fault concerns a nested configuration. */
    public static final int SGFSYNR0_NESTED = 1;
    public static final int SGFSYNR0_WNR = 1 << 1;
    public static final int SGFSYNR0_PNU = 1 << 2;
    public static final int SGFSYNR0_IND = 1 << 3;
}
