package org.iommusim.smmu.v2.contextbank;

import org.iommusim.core.bits.Bits;

/**
 * CBA2Rn (Arm IHI 0062 section 10.2.2, SMMUv2 only): VA64[0] selects the AArch64 (VMSAv8-64)
 * descriptor format; VMID16[31:16] is the 16-bit VMID used while sCR0.VMID16EN is set.
 */
public final class ContextBankAttribute2 {
    public static final int VA64 = 1;

    private ContextBankAttribute2() {
    }

    public static boolean va64(int cba2r) {
        return (cba2r & VA64) != 0;
    }

    public static int vmid16(int cba2r) {
        return (int) Bits.field(cba2r, 31, 16);
    }
}
