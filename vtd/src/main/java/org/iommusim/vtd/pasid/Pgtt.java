package org.iommusim.vtd.pasid;

/**
 * PASID Granular Translation Type, the PGTT field of a scalable-mode PASID-table entry (section 9.6).
 */
public enum Pgtt {
    FIRST_STAGE(0b001),
    SECOND_STAGE(0b010),
    NESTED(0b011),
    PASS_THROUGH(0b100);

    /** values() copies its array on every call; the hot path must not allocate. */
    private static final Pgtt[] ALL = values();
    private final int encoding;

    Pgtt(int encoding) {
        this.encoding = encoding;
    }

    public int encoding() {
        return encoding;
    }

    /** The type encoded by {@code field}, or null for a reserved encoding. */
    public static Pgtt of(int field) {
        for (Pgtt p : ALL) {
            if (p.encoding == field) {
                return p;
            }
        }
        return null;
    }
}
