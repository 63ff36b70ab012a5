package org.iommusim.vtd.firststage;

import org.iommusim.core.bits.Bits;
import org.iommusim.core.walk.EntryKind;
import org.iommusim.core.walk.PageTableFormat;

/**
 * First-stage paging: the IA-32e format with 4 or 5 levels (PML5E, PML4E, PDPE, PDE, PTE), VT-d
 * specification section 3.6 (translation) and 9.7 (entry format). Levels are numbered 5/4 (root) down
 * to 1; a PDPE with PS=1 maps 1 GiB (only with CAP.FL1GP, otherwise PS is reserved), a PDE with PS=1
 * maps 2 MiB.
 *
 * @param levels            4 (FLPM=00) or 5 (FLPM=01)
 * @param hostAddressWidth  address bits at and above this one are reserved in every entry
 * @param oneGigPages       CAP.FL1GP
 */
public record FirstStageFormat(int levels, int hostAddressWidth, boolean oneGigPages) implements PageTableFormat {
    public static final int P = 0;
    public static final int RW = 1;
    public static final int US = 2;
    public static final int PWT = 3;
    public static final int PCD = 4;
    public static final int A = 5;
    public static final int D = 6;
    public static final int PS = 7;
    public static final int G = 8;
    /** Extended-accessed flag, set with A when the PASID entry has EAFE=1. */
    public static final int EA = 10;
    public static final int ADDRESS_HI = 51, ADDRESS_LO = 12;
    public static final int XD = 63;

    public FirstStageFormat {
        if (levels != 4 && levels != 5) {
            throw new IllegalArgumentException("first stage has 4 or 5 levels: " + levels);
        }
    }

    @Override
    public String name() {
        return "vtd-fs-" + levels + "level";
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
        if (!Bits.bit(entry, P)) {
            return EntryKind.INVALID;
        }
        if (hostAddressWidth < 52 && Bits.field(entry, ADDRESS_HI, hostAddressWidth) != 0) {
            return EntryKind.RESERVED;
        }
        int level = level(step);
        boolean ps = Bits.bit(entry, PS);
        if (level >= 4) {
            return ps ? EntryKind.RESERVED : EntryKind.TABLE;
        }
        if (level == 1) {
            return EntryKind.LEAF;
        }
        if (!ps) {
            return EntryKind.TABLE;
        }
        if (level == 3 && !oneGigPages) {
            return EntryKind.RESERVED;
        }
        // A large page's PAT is bit 12; the address bits below the page size above it are reserved.
        return Bits.field(entry, indexShift(step) - 1, 13) != 0 ? EntryKind.RESERVED : EntryKind.LEAF;
    }

    @Override
    public long nextTable(long entry, int step) {
        return Bits.extract(entry, ADDRESS_HI, ADDRESS_LO);
    }

    @Override
    public long outputAddress(long entry, int step) {
        return Bits.extract(entry, ADDRESS_HI, ADDRESS_LO) & ~(pageSize(step) - 1);
    }

    /** Input address width: 48 bits for 4 levels, 57 for 5. */
    public int inputWidth() {
        return 12 + 9 * levels;
    }

    /** Bits 63:W all equal bit W-1 (section 3.6: canonical first-stage input). */
    public boolean canonical(long address) {
        int w = inputWidth();
        return (address >> (w - 1)) == 0 || (address >> (w - 1)) == -1;
    }
}
