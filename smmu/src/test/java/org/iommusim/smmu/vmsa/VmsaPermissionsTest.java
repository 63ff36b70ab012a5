package org.iommusim.smmu.vmsa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.iommusim.core.request.Permissions;
import org.junit.jupiter.api.Test;

class VmsaPermissionsTest {
    private static final int R = Permissions.READ;
    private static final int W = Permissions.WRITE;
    private static final int X = Permissions.EXEC;

    private static long ap(int ap21) {
        return (long) ap21 << VmsaDescriptor.AP1;
    }

    @Test
    void stage1AccessPermissions() {
        // AP[2:1]: 00 priv RW, 01 RW both, 10 priv RO, 11 RO both
        assertEquals(R | W | X, VmsaPermissions.stage1(ap(0), 0, true, false, false, false));
        assertEquals(X, VmsaPermissions.stage1(ap(0), 0, false, false, false, false));
        assertEquals(R | W | X, VmsaPermissions.stage1(ap(1), 0, false, false, false, false));
        assertEquals(R | X, VmsaPermissions.stage1(ap(2), 0, true, false, false, false));
        assertEquals(X, VmsaPermissions.stage1(ap(2), 0, false, false, false, false));
        assertEquals(R | X, VmsaPermissions.stage1(ap(3), 0, false, false, false, false));
    }

    @Test
    void stage1ExecuteNeverAndWxn() {
        long uxn = 1L << VmsaDescriptor.UXN;
        long pxn = 1L << VmsaDescriptor.PXN;
        assertEquals(R | W, VmsaPermissions.stage1(ap(1) | uxn, 0, false, false, false, false));
        assertEquals(R | W | X, VmsaPermissions.stage1(ap(1) | uxn, 0, true, false, false, false));
        assertEquals(R | W, VmsaPermissions.stage1(ap(1) | pxn, 0, true, false, false, false));
        assertEquals(R | W, VmsaPermissions.stage1(ap(0), 0, true, false, true, false)); // WXN
        assertEquals(R | X, VmsaPermissions.stage1(ap(2), 0, true, false, true, false)); // read-only: WXN no effect
        assertEquals(R | W, VmsaPermissions.stage1(ap(1), 0, true, false, false, true)); // UWXN
        assertEquals(R | W | X, VmsaPermissions.stage1(ap(0), 0, true, false, false, true));
    }

    @Test
    void hierarchicalTableAttributes() {
        long[] entries = {1L << VmsaDescriptor.AP_TABLE1, 1L << VmsaDescriptor.UXN_TABLE, 0};
        long t = VmsaDescriptor.tableAttributes(entries, 0, 2);
        assertEquals(R | X, VmsaPermissions.stage1(ap(0), t, true, false, false, false));
        assertEquals(R, VmsaPermissions.stage1(ap(1), t, false, false, false, false));
        long noUnpriv = 1L << VmsaDescriptor.AP_TABLE0;
        assertEquals(X, VmsaPermissions.stage1(ap(1), noUnpriv, false, false, false, false));
        assertEquals(R | W, VmsaPermissions.stage1(ap(0), 1L << VmsaDescriptor.PXN_TABLE, true, false, false, false));
        assertEquals(0, VmsaDescriptor.tableAttributes(entries, 2, 2));
    }

    @Test
    void stage2AccessAndExecute() {
        long read = 1L << VmsaDescriptor.S2AP_READ;
        long write = 1L << VmsaDescriptor.S2AP_WRITE;
        assertEquals(X, VmsaPermissions.stage2(0, false, false, false));
        assertEquals(R | X, VmsaPermissions.stage2(read, false, false, false));
        assertEquals(R | W | X, VmsaPermissions.stage2(read | write, false, false, false));
        assertEquals(R | W, VmsaPermissions.stage2(read | write | (2L << 53), true, false, false));
        assertEquals(R | W | X, VmsaPermissions.stage2(read | write | (1L << 53), true, false, false)); // XN[0] w/o XNX
        assertEquals(R | W, VmsaPermissions.stage2(read | write | (1L << 53), true, false, true));
        assertEquals(R | W | X, VmsaPermissions.stage2(read | write | (1L << 53), false, false, true));
        assertEquals(R | W, VmsaPermissions.stage2(read | write | (3L << 53), false, false, true));
        assertEquals(R | W | X, VmsaPermissions.stage2(read | write | (3L << 53), true, false, true));
    }

    @Test
    void dirtyStateWithDbm() {
        long dbm = 1L << VmsaDescriptor.DBM;
        long s1 = ap(2) | dbm; // writable-clean
        assertTrue(VmsaDescriptor.stage1WritableClean(s1));
        assertEquals(R | X, VmsaPermissions.stage1(s1, 0, true, false, false, false));
        assertEquals(R | W | X, VmsaPermissions.stage1(s1, 0, true, true, false, false));
        long dirty = VmsaDescriptor.stage1MarkDirty(s1);
        assertFalse(VmsaDescriptor.stage1WritableClean(dirty));
        assertEquals(R | W | X, VmsaPermissions.stage1(dirty, 0, true, false, false, false));

        long s2 = (1L << VmsaDescriptor.S2AP_READ) | dbm;
        assertTrue(VmsaDescriptor.stage2WritableClean(s2));
        assertEquals(R | X, VmsaPermissions.stage2(s2, false, false, false));
        assertEquals(R | W | X, VmsaPermissions.stage2(s2, false, true, false));
        assertFalse(VmsaDescriptor.stage2WritableClean(VmsaDescriptor.stage2MarkDirty(s2)));
    }

    @Test
    void attributeDecoders() {
        long d = VmsaDescriptor.page(0x1000, (1L << VmsaDescriptor.AF) | (1L << VmsaDescriptor.NG) | (5L << 2)
                | (3L << 8) | (1L << VmsaDescriptor.CONTIGUOUS));
        assertTrue(VmsaDescriptor.accessFlag(d));
        assertTrue(VmsaDescriptor.notGlobal(d));
        assertTrue(VmsaDescriptor.contiguous(d));
        assertEquals(5, VmsaDescriptor.attrIndx(d));
        assertEquals(3, VmsaDescriptor.shareability(d));
        assertFalse(VmsaDescriptor.accessFlag(VmsaDescriptor.page(0x1000, 0)));
        assertTrue(VmsaDescriptor.accessFlag(VmsaDescriptor.withAccessFlag(0)));
    }
}
