package org.iommusim.smmu.v2.driver;

import org.iommusim.core.host.PageSizes.LeafStatus;
import org.iommusim.core.request.Permissions;
import org.iommusim.core.walk.EntryKind;
import org.iommusim.smmu.vmsa.VmsaDescriptor;
import org.iommusim.smmu.vmsa.VmsaFormat;

/**
 * A driver's VMSAv8-64 page table (the software side of the format the SMMU walks, like Linux's
 * io-pgtable-arm): maps and unmaps pages and blocks, allocating next-level tables as needed. The format
 * itself (levels, index bits, descriptor decoding) is {@link VmsaFormat}'s; this only writes entries.
 *
 * <p>Leaves are written with AF set. Stage 1: nG set, AP[1] set (unprivileged access) unless privileged-only,
 * AP[2] set without write permission, UXN and PXN set without execute. Stage 2: S2AP from read/write,
 * XN without execute.
 */
public final class VmsaPageTable {
    private final VmsaFormat format;
    private final TableMemory memory;
    private final Allocator allocator;
    private final long root;

    public VmsaPageTable(VmsaFormat format, TableMemory memory, Allocator allocator) {
        this.format = format;
        this.memory = memory;
        this.allocator = allocator;
        this.root = allocator.allocate(Math.max(format.rootTableSize(), 64));
    }

    public VmsaFormat format() {
        return format;
    }

    /** The start-level table's address (what TTBR0 holds). */
    public long root() {
        return root;
    }

    /**
     * Maps {@code [iova, iova + size)} to {@code output} with {@link Permissions} bits.
     *
     * @param unprivileged stage 1: also accessible to unprivileged requests
     */
    public void map(long iova, long output, long size, int permissions, boolean unprivileged) {
        write(iova, output, size, permissions, unprivileged, true);
    }

    /**
     * {@link #map}, but a slot already in use is reported instead of thrown: a block above or a leaf there
     * is {@link LeafStatus#ALREADY_MAPPED}, a table where a block would go {@link LeafStatus#TABLE_IN_THE_WAY}.
     */
    public LeafStatus tryMap(long iova, long output, long size, int permissions, boolean unprivileged) {
        return write(iova, output, size, permissions, unprivileged, false);
    }

    /**
     * Writes the leaf; {@code overwrite} replaces whatever the final slot holds (what a test that remaps a
     * page in place without maintenance does), otherwise a slot in use is reported. A block above the slot
     * is an error either way (thrown when overwriting).
     */
    private LeafStatus write(long iova, long output, long size, int permissions, boolean unprivileged, boolean overwrite) {
        int target = stepOf(size);
        if (((iova | output) & (size - 1)) != 0) {
            throw new IllegalArgumentException("iova and output must be aligned to the mapping size");
        }
        long table = root;
        for (int step = 0; step < target; step++) {
            long address = format.entryAddress(table, iova, step);
            long entry = memory.read64(address);
            EntryKind kind = format.classify(entry, step);
            if (kind == EntryKind.INVALID) {
                long next = allocator.allocate(format.granule().pageSize());
                memory.write64(address, VmsaDescriptor.table(next));
                table = next;
            } else if (kind == EntryKind.TABLE) {
                table = format.nextTable(entry, step);
            } else if (overwrite) {
                throw new IllegalStateException(String.format("0x%x is already mapped by a block", iova));
            } else {
                return LeafStatus.ALREADY_MAPPED;
            }
        }
        long address = format.entryAddress(table, iova, target);
        EntryKind old = format.classify(memory.read64(address), target);
        if (!overwrite && old != EntryKind.INVALID) {
            return old == EntryKind.TABLE ? LeafStatus.TABLE_IN_THE_WAY : LeafStatus.ALREADY_MAPPED;
        }
        long attributes = leafAttributes(permissions, unprivileged);
        boolean page = format.level(target) == 3;
        memory.write64(address, page ? VmsaDescriptor.page(output, attributes)
                : VmsaDescriptor.block(output, attributes));
        return LeafStatus.MAPPED;
    }

    /** Removes the leaf of {@code size} at {@code iova}; true if there was one. */
    public boolean unmap(long iova, long size) {
        int target = stepOf(size);
        long table = root;
        for (int step = 0; step < target; step++) {
            long entry = memory.read64(format.entryAddress(table, iova, step));
            if (format.classify(entry, step) != EntryKind.TABLE) {
                return false;
            }
            table = format.nextTable(entry, step);
        }
        long address = format.entryAddress(table, iova, target);
        if (format.classify(memory.read64(address), target) != EntryKind.LEAF) {
            return false;
        }
        memory.write64(address, 0);
        return true;
    }

    private int stepOf(long size) {
        for (int step = 0; step < format.levels(); step++) {
            int level = format.level(step);
            if (format.pageSize(step) == size && (level == 3 || format.granule().blockAllowed(level))) {
                return step;
            }
        }
        throw new IllegalArgumentException("no page or block of size 0x" + Long.toHexString(size) + " in "
                + format.name());
    }

    private long leafAttributes(int permissions, boolean unprivileged) {
        long a = 1L << VmsaDescriptor.AF;
        boolean write = (permissions & Permissions.WRITE) != 0;
        boolean exec = (permissions & Permissions.EXEC) != 0;
        if (format.stage() == 1) {
            // Not global: tagged with the context's ASID, as Linux's io-pgtable writes stage-1 leaves.
            a |= 1L << VmsaDescriptor.NG;
            if (unprivileged) {
                a |= 1L << VmsaDescriptor.AP1;
            }
            if (!write) {
                a |= 1L << VmsaDescriptor.AP2;
            }
            if (!exec) {
                a |= (1L << VmsaDescriptor.UXN) | (1L << VmsaDescriptor.PXN);
            }
        } else {
            if ((permissions & Permissions.READ) != 0) {
                a |= 1L << VmsaDescriptor.S2AP_READ;
            }
            if (write) {
                a |= 1L << VmsaDescriptor.S2AP_WRITE;
            }
            if (!exec) {
                a |= 1L << VmsaDescriptor.S2XN_HI;
            }
        }
        return a;
    }
}
