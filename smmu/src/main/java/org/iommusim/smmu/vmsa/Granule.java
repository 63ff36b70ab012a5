package org.iommusim.smmu.vmsa;

/**
 * A VMSAv8-64 translation granule (Arm ARM D8.2, "Translation granule"): the page size, and with it
 * how many input-address bits each level of table resolves and at which levels a block may end a walk.
 *
 * <p>Blocks are those of a 48-bit output address (no FEAT_LPA/LPA2): 4 KiB at levels 1 and 2, 16 KiB
 * and 64 KiB at level 2 only.
 */
public enum Granule {
    GRANULE_4K(12, 1, 2),
    GRANULE_16K(14, 2, 2),
    GRANULE_64K(16, 2, 2);

    /** The level at which every walk ends (the page level). */
    public static final int FINAL_LEVEL = 3;

    private final int pageShift;
    private final int firstBlockLevel;
    private final int lastBlockLevel;

    Granule(int pageShift, int firstBlockLevel, int lastBlockLevel) {
        this.pageShift = pageShift;
        this.firstBlockLevel = firstBlockLevel;
        this.lastBlockLevel = lastBlockLevel;
    }

    /** log2 of the page size: 12, 14 or 16. */
    public int pageShift() {
        return pageShift;
    }

    public long pageSize() {
        return 1L << pageShift;
    }

    /** Index bits per full table (a table fills one granule of 8-byte descriptors): 9, 11 or 13. */
    public int stride() {
        return pageShift - 3;
    }

    /** Lowest input bit resolved at {@code level} (also log2 of a block or page there). */
    public int levelShift(int level) {
        return pageShift + (FINAL_LEVEL - level) * stride();
    }

    /** Whether a block descriptor is legal at {@code level} (below the final level). */
    public boolean blockAllowed(int level) {
        return level >= firstBlockLevel && level <= lastBlockLevel;
    }

    /**
     * The granule a TCR TG0-style field selects (Arm ARM TCR_ELx.TG0, VTCR_EL2.TG0; SMMUv3 CD.TG0 and
     * STE.S2TG use the same encoding): 0 4 KiB, 1 64 KiB, 2 16 KiB; null for the reserved value 3.
     */
    public static Granule fromTg0(long tg0) {
        if (tg0 == 0) {
            return GRANULE_4K;
        }
        if (tg0 == 1) {
            return GRANULE_64K;
        }
        if (tg0 == 2) {
            return GRANULE_16K;
        }
        return null;
    }

    /** The TG0 encoding of this granule (the inverse of {@link #fromTg0}). */
    public int tg0() {
        return switch (this) {
            case GRANULE_4K -> 0;
            case GRANULE_64K -> 1;
            case GRANULE_16K -> 2;
        };
    }

    /**
     * The granule a TCR TG1-style field selects (Arm ARM TCR_ELx.TG1; SMMUv3 CD.TG1): 1 16 KiB, 2 4 KiB,
     * 3 64 KiB; null for the reserved value 0.
     */
    public static Granule fromTg1(long tg1) {
        if (tg1 == 1) {
            return GRANULE_16K;
        }
        if (tg1 == 2) {
            return GRANULE_4K;
        }
        if (tg1 == 3) {
            return GRANULE_64K;
        }
        return null;
    }

    /** The TG1 encoding of this granule (the inverse of {@link #fromTg1}). */
    public int tg1() {
        return switch (this) {
            case GRANULE_16K -> 1;
            case GRANULE_4K -> 2;
            case GRANULE_64K -> 3;
        };
    }

    /** The granule with this page size, or null. */
    public static Granule ofPageSize(long size) {
        for (Granule g : values()) {
            if (g.pageSize() == size) {
                return g;
            }
        }
        return null;
    }
}
