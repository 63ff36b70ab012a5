package org.iommusim.vtd.driver;

import java.util.function.LongUnaryOperator;

import org.iommusim.core.bits.Bits;
import org.iommusim.core.host.PageSizes.LeafStatus;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Permissions;
import org.iommusim.vtd.firststage.FirstStageFormat;
import org.iommusim.vtd.secondstage.SecondStageFormat;

/**
 * A page table the host driver builds in memory, like Linux's io-pgtable code: map, unmap and
 * iova-to-phys for the first-stage (IA-32e, VT-d spec 9.7) or second-stage (9.8) format, with 4 KiB,
 * 2 MiB and 1 GiB pages. Table pointers are the addresses the hardware walks with: for a first-stage
 * table used in nested mode they are guest-physical, and {@code toHost} turns them into the host
 * addresses the driver writes at.
 */
public final class IoPageTable implements FirstStageTable {
    public enum Kind { FIRST_STAGE, SECOND_STAGE }

    /** The page-size bit: bit 7 in both stages' formats. */
    private static final int PS = SecondStageFormat.PS;

    private final PhysicalMemory memory;
    private final FrameSource frames;
    private final Kind kind;
    private final int levels;
    private final LongUnaryOperator toHost;
    private final long root;

    /** Where new table frames come from: their table address and the host address to write them at. */
    public interface FrameSource {
        long allocate();
    }

    IoPageTable(PhysicalMemory memory, FrameSource frames, Kind kind, int levels, LongUnaryOperator toHost) {
        if (levels < 3 || levels > 5 || (kind == Kind.FIRST_STAGE && levels == 3)) {
            throw new IllegalArgumentException("unsupported levels " + levels + " for " + kind);
        }
        this.memory = memory;
        this.frames = frames;
        this.kind = kind;
        this.levels = levels;
        this.toHost = toHost;
        this.root = frames.allocate();
    }

    @Override
    public long root() {
        return root;
    }

    @Override
    public int levels() {
        return levels;
    }

    public Kind kind() {
        return kind;
    }

    private static int shift(int level) {
        return 12 + 9 * (level - 1);
    }

    private long entryAddress(long table, long iova, int level) {
        return toHost.applyAsLong(table) + ((iova >>> shift(level)) & 0x1FF) * 8;
    }

    private boolean present(long e) {
        return kind == Kind.FIRST_STAGE ? Bits.bit(e, FirstStageFormat.P) : (e & 3) != 0;
    }

    /**
     * FS: P, R/W, U/S and A already set; SS: R, W, X. Like Linux, the driver sets the first-stage
     * accessed flag itself, so the unit need not write it (it cannot without snooped walks).
     */
    private long tableEntry(long table) {
        return kind == Kind.FIRST_STAGE ? table | 0x7 | (1L << FirstStageFormat.A) : table | 0x7;
    }

    private long leafEntry(long pa, int level, int perms, boolean user) {
        long e = pa;
        if (kind == Kind.FIRST_STAGE) {
            e |= 1L << FirstStageFormat.P;
            e = Bits.withBit(e, FirstStageFormat.RW, (perms & Permissions.WRITE) != 0);
            e = Bits.withBit(e, FirstStageFormat.US, user);
            e = Bits.withBit(e, FirstStageFormat.XD, (perms & Permissions.EXEC) == 0);
            e = Bits.withBit(e, FirstStageFormat.PS, level > 1);
            e = Bits.withBit(e, FirstStageFormat.A, true);
            e = Bits.withBit(e, FirstStageFormat.D, (perms & Permissions.WRITE) != 0);
        } else {
            e |= perms & Permissions.RWX;
            e = Bits.withBit(e, SecondStageFormat.PS, level > 1);
        }
        return e;
    }

    /**
     * Maps {@code size} bytes (4 KiB, 2 MiB or 1 GiB, both addresses aligned to it) with
     * {@link Permissions} bits; {@code user} sets U/S in a first-stage leaf.
     */
    public void map(long iova, long pa, long size, int perms, boolean user) {
        LeafStatus status = tryMap(iova, pa, size, perms, user);
        if (status != LeafStatus.MAPPED) {
            throw new IllegalStateException(String.format("iova 0x%x: %s", iova, status));
        }
    }

    /**
     * {@link #map}, but a slot already in use is reported instead of thrown: a large page above or a leaf
     * there is {@link LeafStatus#ALREADY_MAPPED}; a table where a large page would go is
     * {@link LeafStatus#TABLE_IN_THE_WAY}. Nothing is written then (but intermediate tables it needed).
     */
    public LeafStatus tryMap(long iova, long pa, long size, int perms, boolean user) {
        int leafLevel = size == 1L << 30 ? 3 : size == 1L << 21 ? 2 : size == 1L << 12 ? 1 : -1;
        if (leafLevel < 0 || ((iova | pa) & (size - 1)) != 0) {
            throw new IllegalArgumentException("bad page size or alignment");
        }
        long table = root;
        for (int level = levels; level > leafLevel; level--) {
            long a = entryAddress(table, iova, level);
            long e = memory.read64(a);
            if (!present(e)) {
                long next = frames.allocate();
                memory.write64(a, tableEntry(next));
                table = next;
            } else if (Bits.bit(e, PS) && level <= 3) {
                return LeafStatus.ALREADY_MAPPED;
            } else {
                table = Bits.extract(e, 51, 12);
            }
        }
        long a = entryAddress(table, iova, leafLevel);
        long old = memory.read64(a);
        if (present(old)) {
            return leafLevel > 1 && !Bits.bit(old, PS) ? LeafStatus.TABLE_IN_THE_WAY : LeafStatus.ALREADY_MAPPED;
        }
        memory.write64(a, leafEntry(pa, leafLevel, perms, user));
        return LeafStatus.MAPPED;
    }

    /** Removes the leaf that maps {@code iova}; returns its size, or 0 when nothing was mapped. */
    public long unmap(long iova) {
        Leaf leaf = leaf(iova);
        if (leaf == null) {
            return 0;
        }
        memory.write64(leaf.entryAddress(), 0);
        return leaf.size();
    }

    /**
     * The leaf that maps {@code iova}: its entry's host address and its size, or null when unmapped (for a
     * dirty-bit scan).
     */
    public Leaf leaf(long iova) {
        long table = root;
        for (int level = levels; level >= 1; level--) {
            long a = entryAddress(table, iova, level);
            long e = memory.read64(a);
            if (!present(e)) {
                return null;
            }
            if (level == 1 || Bits.bit(e, 7)) {
                return new Leaf(a, 1L << shift(level));
            }
            table = Bits.extract(e, 51, 12);
        }
        return null;
    }

    /** A leaf entry: where it is in memory, and how much it maps. */
    public record Leaf(long entryAddress, long size) {
    }

    /** The address {@code iova} maps to (a GPA for a nested first stage), or -1 when unmapped. */
    public long iovaToPhys(long iova) {
        Leaf leaf = leaf(iova);
        if (leaf == null) {
            return -1;
        }
        long size = leaf.size();
        return (Bits.extract(memory.read64(leaf.entryAddress()), 51, 12) & ~(size - 1)) | (iova & (size - 1));
    }
}
