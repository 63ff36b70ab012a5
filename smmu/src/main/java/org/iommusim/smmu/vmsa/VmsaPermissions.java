package org.iommusim.smmu.vmsa;

import org.iommusim.core.bits.Bits;
import org.iommusim.core.request.Permissions;

/**
 * Access permissions of VMSAv8-64 leaf descriptors (Arm ARM D8.4, "Memory access control"), as
 * {@link Permissions} bits for one requester privilege.
 *
 * <p>Stage 1 (two privilege levels, as the SMMU's PnU attribute selects): AP[2:1] = 00 privileged
 * read/write, 01 read/write at both, 10 privileged read-only, 11 read-only at both; APTable[0] removes
 * unprivileged access and APTable[1] write access below the table; UXN/PXN with UXNTable/PXNTable remove
 * execution; WXN makes any writable location execute-never; a location writable by unprivileged
 * requesters is never executable by privileged ones (the UWXN rule, applied when asked).
 *
 * <p>Stage 2: S2AP[0] read, S2AP[1] write; XN[1:0] (FEAT_XNX) 00 executable, 01 not privileged,
 * 10 never, 11 not unprivileged; without XNX only XN[1] counts.
 */
public final class VmsaPermissions {
    private VmsaPermissions() {
    }

    /**
     * Stage-1 permissions of a leaf.
     *
     * @param leaf       the block or page descriptor
     * @param tableBits  the hierarchical bits collected above it ({@link VmsaDescriptor#tableAttributes})
     * @param privileged the request is privileged
     * @param writeClean a writable-clean leaf (DBM with hardware dirty management) counts as writable
     * @param wxn        write implies execute-never
     * @param uwxn       unprivileged write implies privileged execute-never
     */
    public static int stage1(long leaf, long tableBits, boolean privileged, boolean writeClean, boolean wxn,
                             boolean uwxn) {
        boolean unprivAccess = Bits.bit(leaf, VmsaDescriptor.AP1) && !Bits.bit(tableBits, VmsaDescriptor.AP_TABLE0);
        boolean readOnly = Bits.bit(leaf, VmsaDescriptor.AP2)
                && !(writeClean && VmsaDescriptor.dirtyBitModifier(leaf));
        boolean writable = !readOnly && !Bits.bit(tableBits, VmsaDescriptor.AP_TABLE1);
        boolean uxn = Bits.bit(leaf, VmsaDescriptor.UXN) || Bits.bit(tableBits, VmsaDescriptor.UXN_TABLE);
        boolean pxn = Bits.bit(leaf, VmsaDescriptor.PXN) || Bits.bit(tableBits, VmsaDescriptor.PXN_TABLE);
        int perms;
        boolean exec;
        if (privileged) {
            perms = Permissions.READ | (writable ? Permissions.WRITE : 0);
            exec = !pxn && !(uwxn && unprivAccess && writable);
        } else {
            perms = unprivAccess ? Permissions.READ | (writable ? Permissions.WRITE : 0) : 0;
            exec = !uxn;
        }
        if (wxn && (perms & Permissions.WRITE) != 0) {
            exec = false;
        }
        return exec ? perms | Permissions.EXEC : perms;
    }

    /**
     * Stage-2 permissions of a leaf.
     *
     * @param leaf       the block or page descriptor
     * @param privileged the request is privileged (matters only with XNX)
     * @param writeClean a writable-clean leaf (DBM with hardware dirty management) counts as writable
     * @param xnx        FEAT_XNX: XN[0] distinguishes privilege
     */
    public static int stage2(long leaf, boolean privileged, boolean writeClean, boolean xnx) {
        int perms = 0;
        if (Bits.bit(leaf, VmsaDescriptor.S2AP_READ)) {
            perms |= Permissions.READ;
        }
        if (Bits.bit(leaf, VmsaDescriptor.S2AP_WRITE) || (writeClean && VmsaDescriptor.dirtyBitModifier(leaf))) {
            perms |= Permissions.WRITE;
        }
        int xn = (int) Bits.field(leaf, VmsaDescriptor.S2XN_HI, VmsaDescriptor.S2XN_LO);
        boolean exec;
        if (!xnx) {
            exec = (xn & 2) == 0;
        } else {
            exec = switch (xn) {
                case 0 -> true;
                case 1 -> !privileged;
                case 3 -> privileged;
                default -> false;
            };
        }
        return exec ? perms | Permissions.EXEC : perms;
    }
}
