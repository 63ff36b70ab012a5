package org.iommusim.vtd.registers;

/**
 * Bits of the Global Command (GCMD_REG) and Global Status (GSTS_REG) registers, section 11.4.4 and
 * 11.4.5. Each command bit has the status bit of the same number.
 */
public final class GlobalCommand {
    /** Translation Enable / Translation Enable Status (persistent). */
    public static final int TE = 1 << 31;
    /** Set Root Table Pointer / Root Table Pointer Status (one-shot). */
    public static final int SRTP = 1 << 30;
    /** Set Fault Log (one-shot; advanced fault logging, not modelled). */
    public static final int SFL = 1 << 29;
    /** Enable Advanced Fault Logging (not modelled). */
    public static final int EAFL = 1 << 28;
    /** Write Buffer Flush (one-shot). */
    public static final int WBF = 1 << 27;
    /** Queued Invalidation Enable (persistent). */
    public static final int QIE = 1 << 26;
    /** Interrupt Remapping Enable (persistent; interrupt remapping is not modelled). */
    public static final int IRE = 1 << 25;
    /** Set Interrupt Remap Table Pointer (one-shot; not modelled beyond its status). */
    public static final int SIRTP = 1 << 24;
    /** Compatibility Format Interrupt (persistent; not modelled beyond its status). */
    public static final int CFI = 1 << 23;

    /** Bits whose status stays as last written. */
    public static final int PERSISTENT = TE | QIE | IRE | CFI;

    private GlobalCommand() {
    }
}
