package org.iommusim.vtd.secondstage;

import org.iommusim.core.bits.Bits;
import org.iommusim.core.walk.EntryKind;
import org.iommusim.core.walk.PageTableFormat;

/**
 * Second-stage paging, VT-d specification section 3.7 (translation) and 9.8 (entry format): 3, 4 or 5
 * levels (AW = 1, 2, 3) of 512 entries. An entry is present when R or W is set; a PDPE with PS=1 maps
 * 1 GiB (with CAP.SLLPS bit 1), a PDE with PS=1 maps 2 MiB (with SLLPS bit 0), otherwise PS is reserved.
 *
 * @param levels           number of levels (AW + 2)
 * @param hostAddressWidth address bits at and above this one are reserved
 * @param twoMegPages      CAP.SLLPS bit 0
 * @param oneGigPages      CAP.SLLPS bit 1
 * @param snoopControl     ECAP.SC: SNP (bit 11) is allowed in leaf entries
 */
public record SecondStageFormat(int levels, int hostAddressWidth, boolean twoMegPages, boolean oneGigPages,
                                boolean snoopControl) implements PageTableFormat {
    public static final int R = 0;
    public static final int W = 1;
    public static final int X = 2;
    public static final int PS = 7;
    public static final int A = 8;
    public static final int D = 9;
    public static final int SNP = 11;
    public static final int ADDRESS_HI = 51, ADDRESS_LO = 12;

    public SecondStageFormat {
        if (levels < 2 || levels > 5) {
            throw new IllegalArgumentException("second stage has 2..5 levels: " + levels);
        }
    }

    /** Levels for an AW field value (AW + 2). */
    public static int levelsForAw(int aw) {
        return aw + 2;
    }

    @Override
    public String name() {
        return "vtd-ss-" + levels + "level";
    }

    @Override
    public int indexShift(int step) {
        return 12 + 9 * (levels - 1 - step);
    }

    @Override
    public int indexBits(int step) {
        return 9;
    }

    @Override
    public int level(int step) {
        return levels - step;
    }

    @Override
    public EntryKind classify(long entry, int step) {
        if ((entry & ((1L << R) | (1L << W))) == 0) {
            return EntryKind.INVALID;
        }
        if (hostAddressWidth < 52 && Bits.field(entry, ADDRESS_HI, hostAddressWidth) != 0) {
            return EntryKind.RESERVED;
        }
        int level = level(step);
        boolean ps = Bits.bit(entry, PS);
        boolean leaf = level == 1 || ps;
        if (ps && (level > 3 || (level == 3 && !oneGigPages) || (level == 2 && !twoMegPages))) {
            return EntryKind.RESERVED;
        }
        if (Bits.bit(entry, SNP) && (!leaf || !snoopControl)) {
            return EntryKind.RESERVED;
        }
        if (!leaf) {
            return EntryKind.TABLE;
        }
        if (level > 1 && Bits.field(entry, indexShift(step) - 1, 12) != 0) {
            return EntryKind.RESERVED;
        }
        return EntryKind.LEAF;
    }

    @Override
    public long nextTable(long entry, int step) {
        return Bits.extract(entry, ADDRESS_HI, ADDRESS_LO);
    }

    @Override
    public long outputAddress(long entry, int step) {
        return Bits.extract(entry, ADDRESS_HI, ADDRESS_LO) & ~(pageSize(step) - 1);
    }

    /** Input address width: 30 + 9 * AW, i.e. 12 + 9 * levels. */
    public int inputWidth() {
        return 12 + 9 * levels;
    }
}
