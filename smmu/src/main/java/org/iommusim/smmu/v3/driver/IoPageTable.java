package org.iommusim.smmu.v3.driver;

import org.iommusim.smmu.vmsa.Granule;
import org.iommusim.smmu.vmsa.VmsaDescriptor;
import org.iommusim.smmu.vmsa.VmsaFormat;

/**
 * A VMSAv8-64 I/O page table built the way Linux's io-pgtable-arm builds one (facts: the io-pgtable-arm
 * source, read for its behaviour only): stage 1 or stage 2, any granule, IAS/OAS from 32 to 48 bits.
 * map() installs a page or block of a supported size, unmap() removes exactly one, iovaToPhys() walks in
 * software (IAS 25 to 48 bits, so every start level can be built). Stage 2 concatenates start-level tables instead of starting at level 0 when up to 16 tables
 * suffice, or when the granule cannot start at level 0.
 *
 * <p>Results follow Linux: 0 on success, {@link #ERANGE} for an address outside IAS/OAS or a size that is
 * not a page or block size, {@link #EEXIST} for a mapping over an existing one.
 */
public final class IoPageTable {
    public static final int EEXIST = -17;
    /** A table where a block would go (left by smaller pages): map that part with smaller pages. */
    public static final int TABLE_IN_THE_WAY = 1;
    public static final int ERANGE = -34;
    public static final int EINVAL = -22;

    private final DriverMemory memory;
    private final PageAllocator allocator;
    private final int stage;
    private final Granule granule;
    private final int ias;
    private final int oas;
    private final int startLevel;
    private final int rootBits;
    private final long root;

    public IoPageTable(PageAllocator allocator, int stage, Granule granule, int ias,
                       int oas) {
        if (stage != 1 && stage != 2 || ias < 25 || ias > 48 || oas < 32 || oas > 48) {
            throw new IllegalArgumentException("unsupported io-pgtable configuration");
        }
        this.memory = allocator.memory();
        this.allocator = allocator;
        this.stage = stage;
        this.granule = granule;
        this.ias = ias;
        this.oas = oas;
        int stride = granule.stride();
        int levels = (ias - granule.pageShift() + stride - 1) / stride;
        int start = Granule.FINAL_LEVEL + 1 - levels;
        int bits = ias - granule.levelShift(start);
        if (stage == 2 && (VmsaFormat.stage2Sl0(granule, start) < 0 || (start == 0 && bits <= 4))) {
            start++;
            bits += stride;
        }
        this.startLevel = start;
        this.rootBits = bits;
        long size = Math.max(64, 8L << bits);
        this.root = allocator.allocate(size, Math.max(size, granule.pageSize()));
    }

    public int stage() {
        return stage;
    }

    public Granule granule() {
        return granule;
    }

    public int ias() {
        return ias;
    }

    public int oas() {
        return oas;
    }

    /** The root table: TTB0 for stage 1, S2TTB for stage 2. */
    public long root() {
        return root;
    }

    public int startLevel() {
        return startLevel;
    }

    /** T0SZ / S2T0SZ. */
    public int tsz() {
        return 64 - ias;
    }

    /** S2SL0 for a stage-2 table. */
    public int sl0() {
        return VmsaFormat.stage2Sl0(granule, startLevel);
    }

    /** The page and block sizes this table can map: the page, and blocks at levels 2 and (4K) 1. */
    public long[] pageSizes() {
        return granule == Granule.GRANULE_4K
                ? new long[] {1L << 12, 1L << 21, 1L << 30}
                : new long[] {granule.pageSize(), 1L << granule.levelShift(2)};
    }

    private int levelFor(long size) {
        for (int level = Granule.FINAL_LEVEL; level >= Math.max(1, startLevel); level--) {
            if (1L << granule.levelShift(level) == size && (level == Granule.FINAL_LEVEL
                    || granule.blockAllowed(level))) {
                return level;
            }
        }
        return -1;
    }

    private long entryAddress(long table, int level, long iova) {
        int bits = level == startLevel ? rootBits : granule.stride();
        return table + ((iova >>> granule.levelShift(level)) & ((1L << bits) - 1)) * 8;
    }

    private static boolean isTable(long pte, int level) {
        return level < Granule.FINAL_LEVEL && (pte & 3) == 3;
    }

    public int map(long iova, long pa, long size, int prot) {
        int level = levelFor(size);
        if (level < 0 || (iova & (size - 1)) != 0 || (pa & (size - 1)) != 0) {
            return EINVAL;
        }
        if ((iova >>> ias) != 0 || (pa >>> oas) != 0) {
            return ERANGE;
        }
        if ((prot & (Prot.READ | Prot.WRITE)) == 0) {
            return 0;
        }
        long table = root;
        for (int l = startLevel; l < level; l++) {
            long address = entryAddress(table, l, iova);
            long pte = memory.read64(address);
            if (pte == 0) {
                long next = allocator.allocatePage(granule.pageSize());
                memory.write64(address, VmsaDescriptor.table(next));
                table = next;
            } else if (isTable(pte, l)) {
                table = pte & VmsaDescriptor.ADDRESS_MASK;
            } else {
                return EEXIST;
            }
        }
        long address = entryAddress(table, level, iova);
        long old = memory.read64(address);
        if (old != 0) {
            return isTable(old, level) ? TABLE_IN_THE_WAY : EEXIST; // a table is never replaced by a block
        }
        long attributes = stage == 1 ? stage1Attributes(prot) : stage2Attributes(prot);
        long pte = level == Granule.FINAL_LEVEL ? VmsaDescriptor.page(pa, attributes)
                : VmsaDescriptor.block(pa, attributes);
        memory.write64(address, pte);
        return 0;
    }

    private static long stage1Attributes(int prot) {
        long a = (1L << VmsaDescriptor.AF) | (1L << VmsaDescriptor.NG);
        if ((prot & Prot.WRITE) == 0) {
            a |= 1L << VmsaDescriptor.AP2;
        }
        if ((prot & Prot.PRIV) == 0) {
            a |= 1L << VmsaDescriptor.AP1;
        }
        int attrIndx = (prot & Prot.MMIO) != 0 ? 2 : (prot & Prot.CACHE) != 0 ? 1 : 0;
        a |= (long) attrIndx << VmsaDescriptor.ATTR_INDX_LO;
        a |= ((prot & Prot.CACHE) != 0 ? 3L : 2L) << VmsaDescriptor.SH_LO;
        if ((prot & Prot.NOEXEC) != 0) {
            a |= (1L << VmsaDescriptor.UXN) | (1L << VmsaDescriptor.PXN);
        }
        return a;
    }

    private static long stage2Attributes(int prot) {
        long a = 1L << VmsaDescriptor.AF;
        if ((prot & Prot.READ) != 0) {
            a |= 1L << VmsaDescriptor.S2AP_READ;
        }
        if ((prot & Prot.WRITE) != 0) {
            a |= 1L << VmsaDescriptor.S2AP_WRITE;
        }
        long memAttr = (prot & Prot.MMIO) != 0 ? 0x1 : (prot & Prot.CACHE) != 0 ? 0xF : 0x5;
        a |= memAttr << VmsaDescriptor.MEM_ATTR_LO;
        a |= ((prot & Prot.CACHE) != 0 ? 3L : 2L) << VmsaDescriptor.SH_LO;
        if ((prot & Prot.NOEXEC) != 0) {
            a |= (1L << VmsaDescriptor.S2XN_HI) | (1L << VmsaDescriptor.S2XN_LO);
        }
        return a;
    }

    /**
     * Removes the page or block of exactly {@code size} at {@code iova}; returns the size removed or 0.
     * A smaller size inside a block splits the block first: it becomes a table of next-level entries
     * with the same attributes, down to the level of {@code size} (as arm_lpae_split_blk_unmap does).
     */
    public long unmap(long iova, long size) {
        int level = levelFor(size);
        if (level < 0 || (iova >>> ias) != 0 || (iova & (size - 1)) != 0) {
            return 0;
        }
        long table = root;
        for (int l = startLevel; l < level; l++) {
            long address = entryAddress(table, l, iova);
            long pte = memory.read64(address);
            if ((pte & 1) != 0 && !isTable(pte, l)) {
                pte = split(address, pte, l);
            }
            if (!isTable(pte, l)) {
                return 0;
            }
            table = pte & VmsaDescriptor.ADDRESS_MASK;
        }
        long address = entryAddress(table, level, iova);
        long pte = memory.read64(address);
        if (pte == 0) {
            return 0;
        }
        memory.write64(address, 0); // a table here goes with everything under it, as in Linux
        return size;
    }

    /** Replaces the block at {@code address} (level {@code level}) with a table mapping the same range. */
    private long split(long address, long block, int level) {
        int child = level + 1;
        long childSize = 1L << granule.levelShift(child);
        long base = block & VmsaDescriptor.ADDRESS_MASK & -(1L << granule.levelShift(level));
        long attributes = block & ~VmsaDescriptor.ADDRESS_MASK & ~3L;
        long next = allocator.allocatePage(granule.pageSize());
        for (int i = 0; i < (1 << granule.stride()); i++) {
            long pa = base + i * childSize;
            memory.write64(next + 8L * i, child == Granule.FINAL_LEVEL ? VmsaDescriptor.page(pa, attributes)
                    : VmsaDescriptor.block(pa, attributes));
        }
        long table = VmsaDescriptor.table(next);
        memory.write64(address, table);
        return table;
    }

    /** The physical address {@code iova} maps to, or 0 when unmapped. */
    public long iovaToPhys(long iova) {
        if ((iova >>> ias) != 0) {
            return 0;
        }
        long table = root;
        for (int l = startLevel; l <= Granule.FINAL_LEVEL; l++) {
            long pte = memory.read64(entryAddress(table, l, iova));
            if ((pte & 1) == 0) {
                return 0;
            }
            if (!isTable(pte, l)) {
                long size = 1L << granule.levelShift(l);
                return (pte & VmsaDescriptor.ADDRESS_MASK & -size) | (iova & (size - 1));
            }
            table = pte & VmsaDescriptor.ADDRESS_MASK;
        }
        return 0;
    }
}
