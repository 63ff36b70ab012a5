package org.iommusim.smmu.v2.fault;

/**
 * The context faults this model raises, each with its FSR bit (Arm IHI 0062 section 16.5.9, SMMU_CBn_FSR;
 * fault causes in section 3.7). {@link org.iommusim.core.request.Fault#code()} of a context fault is this
 * bit index, which is what {@code expect fault reason=N} compares.
 */
public enum ContextFault {
    /** Translation fault: invalid or malformed descriptor, input address outside the table's range. */
    TF(1),
    /** Access flag fault: a leaf with AF = 0 while SCTLR.AFFD = 0. */
    AFF(2),
    /** Permission fault: the descriptor does not grant the access. */
    PF(3),
    /** External fault: a table walk read an address outside physical memory. */
    EF(4),
    /** Address size fault: an output address beyond the configured output size. */
    ASF(7);

    private final int bit;

    ContextFault(int bit) {
        this.bit = bit;
    }

    /** The FSR bit index, also the script-visible fault code. */
    public int bit() {
        return bit;
    }

    public int fsrMask() {
        return 1 << bit;
    }
}
