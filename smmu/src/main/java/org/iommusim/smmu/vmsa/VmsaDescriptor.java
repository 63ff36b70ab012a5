package org.iommusim.smmu.vmsa;

import org.iommusim.core.bits.Bits;

/**
 * Bit positions of VMSAv8-64 descriptors (Arm ARM D8.3, "Translation table descriptor formats") and
 * decoders for the attributes a walk needs. Stage-1 and stage-2 block/page descriptors share the
 * positions of AF (10), DBM (51) and Contiguous (52); they differ in AP vs S2AP (7:6) and in the
 * execute-never bits, decoded by {@link VmsaPermissions}.
 */
public final class VmsaDescriptor {
    /** bit 0: the descriptor is valid. */
    public static final long VALID = 1L;
    /** bit 1: table (levels 0-2) or page (level 3) when set; block when clear. */
    public static final long TABLE_OR_PAGE = 1L << 1;
    /** bits[47:12]: next-level table or output address (aligned to the granule or block). */
    public static final long ADDRESS_MASK = Bits.mask(47, 12);
    /** bits[49:48] of a 4 KiB / 16 KiB descriptor: address bits beyond a 48-bit output size. */
    public static final long OA_HIGH_MASK = Bits.mask(49, 48);
    /** bits[15:12] of a 64 KiB descriptor hold OA[51:48] (FEAT_LPA). */
    public static final int OA_HIGH_64K_SHIFT = 12;

    // ---- lower attributes of block and page descriptors ----
    /** Stage 1 AttrIndx[2:0], bits[4:2]: index into MAIR. */
    public static final int ATTR_INDX_HI = 4;
    public static final int ATTR_INDX_LO = 2;
    /** Stage 2 MemAttr[3:0], bits[5:2]. */
    public static final int MEM_ATTR_HI = 5;
    public static final int MEM_ATTR_LO = 2;
    /** Stage 1 AP[1], bit 6: unprivileged (EL0) access allowed. */
    public static final int AP1 = 6;
    /** Stage 1 AP[2], bit 7: read-only. */
    public static final int AP2 = 7;
    /** Stage 2 S2AP[0], bit 6: read allowed. */
    public static final int S2AP_READ = 6;
    /** Stage 2 S2AP[1], bit 7: write allowed. */
    public static final int S2AP_WRITE = 7;
    /** SH[1:0], bits[9:8]. */
    public static final int SH_HI = 9;
    public static final int SH_LO = 8;
    /** AF, bit 10: the access flag. */
    public static final int AF = 10;
    /** nG, bit 11 (stage 1): not global, the translation is tagged with the ASID. */
    public static final int NG = 11;

    // ---- upper attributes of block and page descriptors ----
    /** DBM, bit 51: dirty bit modifier (hardware dirty state management). */
    public static final int DBM = 51;
    /** Contiguous hint, bit 52. */
    public static final int CONTIGUOUS = 52;
    /** Stage 1 PXN, bit 53. */
    public static final int PXN = 53;
    /** Stage 1 UXN (XN for single-privilege regimes), bit 54. */
    public static final int UXN = 54;
    /** Stage 2 XN[1:0], bits[54:53] (XN[0] only with FEAT_XNX; otherwise bit 54 alone is XN). */
    public static final int S2XN_HI = 54;
    public static final int S2XN_LO = 53;

    // ---- hierarchical attributes of stage-1 table descriptors ----
    /** PXNTable, bit 59. */
    public static final int PXN_TABLE = 59;
    /** UXNTable (XNTable), bit 60. */
    public static final int UXN_TABLE = 60;
    /** APTable[0], bit 61: no unprivileged access below. */
    public static final int AP_TABLE0 = 61;
    /** APTable[1], bit 62: no write access below. */
    public static final int AP_TABLE1 = 62;
    /** NSTable, bit 63. */
    public static final int NS_TABLE = 63;

    /** The hierarchical bits of a table descriptor (PXNTable, UXNTable, APTable). */
    public static final long HIERARCHICAL_MASK = Bits.mask(62, 59);

    private VmsaDescriptor() {
    }

    public static boolean accessFlag(long descriptor) {
        return Bits.bit(descriptor, AF);
    }

    public static boolean notGlobal(long descriptor) {
        return Bits.bit(descriptor, NG);
    }

    public static boolean dirtyBitModifier(long descriptor) {
        return Bits.bit(descriptor, DBM);
    }

    public static boolean contiguous(long descriptor) {
        return Bits.bit(descriptor, CONTIGUOUS);
    }

    public static int attrIndx(long descriptor) {
        return (int) Bits.field(descriptor, ATTR_INDX_HI, ATTR_INDX_LO);
    }

    public static int shareability(long descriptor) {
        return (int) Bits.field(descriptor, SH_HI, SH_LO);
    }

    /**
     * The hierarchical attributes a walk collected from the table descriptors it went through, from
     * {@code fromStep} up to (excluding) {@code leafStep}: the OR of their PXNTable, UXNTable and
     * APTable bits, in place. Only meaningful for stage 1 (stage-2 tables have none).
     */
    public static long tableAttributes(long[] entries, int fromStep, int leafStep) {
        long bits = 0;
        for (int s = fromStep; s < leafStep; s++) {
            bits |= entries[s] & HIERARCHICAL_MASK;
        }
        return bits;
    }

    // ---- stage-1 dirty state (Arm ARM D8.4.6, hardware management of the dirty state) ----

    /**
     * Whether a stage-1 leaf is writable-clean: DBM set with AP[2] set. With hardware dirty state
     * management a write clears AP[2] instead of faulting.
     */
    public static boolean stage1WritableClean(long descriptor) {
        return dirtyBitModifier(descriptor) && Bits.bit(descriptor, AP2);
    }

    /** The stage-1 descriptor marked dirty: AP[2] cleared. */
    public static long stage1MarkDirty(long descriptor) {
        return Bits.withBit(descriptor, AP2, false);
    }

    /** Whether a stage-2 leaf is writable-clean: DBM set with S2AP[1] clear. */
    public static boolean stage2WritableClean(long descriptor) {
        return dirtyBitModifier(descriptor) && !Bits.bit(descriptor, S2AP_WRITE);
    }

    /** The stage-2 descriptor marked dirty: S2AP[1] set. */
    public static long stage2MarkDirty(long descriptor) {
        return Bits.withBit(descriptor, S2AP_WRITE, true);
    }

    /** The descriptor with its access flag set (hardware access flag management). */
    public static long withAccessFlag(long descriptor) {
        return Bits.withBit(descriptor, AF, true);
    }

    // ---- building descriptors (drivers, tests) ----

    /** A table descriptor pointing at {@code table} (granule-aligned), with no hierarchical restriction. */
    public static long table(long table) {
        return (table & ADDRESS_MASK) | TABLE_OR_PAGE | VALID;
    }

    /** A page descriptor (level 3) for {@code address} with the given attribute bits (AF, AP ...). */
    public static long page(long address, long attributes) {
        return (address & ADDRESS_MASK) | attributes | TABLE_OR_PAGE | VALID;
    }

    /** A block descriptor (levels 1-2) for {@code address} with the given attribute bits. */
    public static long block(long address, long attributes) {
        return (address & ADDRESS_MASK) | (attributes & ~TABLE_OR_PAGE) | VALID;
    }
}
