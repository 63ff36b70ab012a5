package org.iommusim.smmu.vmsa;

/**
 * The 3-bit physical address size encoding shared by TCR_ELx.IPS, VTCR_EL2.PS, ID_AA64MMFR0_EL1.PARange
 * and the SMMU's IDR5.OAS, CD.IPS and STE.S2PS (Arm ARM D8.1; SMMUv3 IHI 0070 6.3.6): 0 32 bits, 1 36,
 * 2 40, 3 42, 4 44, 5 48, 6 52.
 */
public final class PhysicalAddressSize {
    private static final int[] BITS = {32, 36, 40, 42, 44, 48, 52};

    private PhysicalAddressSize() {
    }

    /** Address bits for an encoding, or -1 for a reserved encoding (7 and above). */
    public static int bits(long encoding) {
        return encoding >= 0 && encoding < BITS.length ? BITS[(int) encoding] : -1;
    }

    /** The encoding of {@code bits}, or -1 when no encoding has exactly that size. */
    public static int encode(int bits) {
        for (int i = 0; i < BITS.length; i++) {
            if (BITS[i] == bits) {
                return i;
            }
        }
        return -1;
    }
}
