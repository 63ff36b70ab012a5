package org.iommusim.smmu.v3.registers;

/**
 * GERROR and GERRORN (IHI 0070 6.3.19-6.3.20, 7.5): an error is active while its GERROR bit differs from
 * the GERRORN bit; the SMMU activates an error by toggling GERROR only when it is not already active, and
 * software acknowledges it by writing GERRORN with the GERROR value.
 */
public final class GlobalErrors {
    private int gerror;
    private int gerrorn;

    public int gerror() {
        return gerror;
    }

    public int gerrorn() {
        return gerrorn;
    }

    public void writeGerrorn(int value) {
        gerrorn = value & ControlFields.GERROR_MASK;
    }

    public boolean active(int bit) {
        return ((gerror ^ gerrorn) & bit) != 0;
    }

    /** Activates an error; false when it was already active (nothing changes then). */
    public boolean raise(int bit) {
        if (active(bit)) {
            return false;
        }
        gerror ^= bit;
        return true;
    }
}
