package org.iommusim.smmu.v3.driver;

import org.iommusim.smmu.v3.cd.CdField;
import org.iommusim.smmu.v3.cd.ContextDescriptorTable;
import org.iommusim.smmu.v3.ste.StreamTableEntry;
import org.iommusim.smmu.vmsa.Granule;
import org.iommusim.smmu.vmsa.PhysicalAddressSize;

/**
 * A CD table the driver owns (IHI 0070 5.3, 5.4): linear, or 2-level with 4 KiB or 64 KiB leaves
 * allocated on first use. {@link #write} fills a CD for one stage-1 page table, writing the valid word
 * last as a driver must.
 */
public final class CdTable {
    private final DriverMemory memory;
    private final PageAllocator allocator;
    private final int s1Fmt;
    private final int cdMax;
    private final long base;

    /**
     * @param s1Fmt {@link StreamTableEntry#S1FMT_LINEAR}, {@link StreamTableEntry#S1FMT_2LVL_4K} or
     *              {@link StreamTableEntry#S1FMT_2LVL_64K}
     * @param cdMax log2 of the number of CDs (S1CDMax), 0 for a single CD
     */
    public CdTable(PageAllocator allocator, int s1Fmt, int cdMax) {
        this.memory = allocator.memory();
        this.allocator = allocator;
        this.s1Fmt = cdMax == 0 ? StreamTableEntry.S1FMT_LINEAR : s1Fmt;
        this.cdMax = cdMax;
        long size = this.s1Fmt == StreamTableEntry.S1FMT_LINEAR ? 64L << cdMax
                : Math.max(64, 8L << Math.max(0, cdMax - ContextDescriptorTable.leafBits(s1Fmt)));
        this.base = allocator.allocate(size, Math.max(64, size));
    }

    public long base() {
        return base;
    }

    public int s1Fmt() {
        return s1Fmt;
    }

    public int cdMax() {
        return cdMax;
    }

    /** The address of the CD for {@code ssid}, allocating its leaf table when needed. */
    public long cdAddress(int ssid) {
        if (s1Fmt == StreamTableEntry.S1FMT_LINEAR) {
            return ContextDescriptorTable.linearEntry(base, cdMax, ssid);
        }
        long l1Address = ContextDescriptorTable.l1Entry(base, cdMax, s1Fmt, ssid);
        long l1 = memory.read64(l1Address);
        if (!ContextDescriptorTable.l1Valid(l1)) {
            long leafSize = 64L << ContextDescriptorTable.leafBits(s1Fmt);
            long leaf = allocator.allocate(leafSize, leafSize);
            l1 = ContextDescriptorTable.l1Descriptor(leaf);
            memory.write64(l1Address, l1);
        }
        return ContextDescriptorTable.l2Entry(l1, s1Fmt, ssid);
    }

    /** Writes a valid CD for {@code ssid}: TTB0 = the table, EPD1, the given ASID, R and A set. */
    public void write(int ssid, int asid, IoPageTable table, long extraDw0) {
        long address = cdAddress(ssid);
        Granule g = table.granule();
        int ips = PhysicalAddressSize.encode(table.oas());
        long dw0 = CdField.t0sz(table.tsz()) | CdField.tg0(g.tg0()) | CdField.epd1() | CdField.v()
                | CdField.ips(ips < 0 ? 5 : ips) | CdField.aa64() | CdField.r() | CdField.a() | CdField.asid(asid)
                | extraDw0;
        memory.write64(address + 8, CdField.ttb(table.root()));
        memory.write64(address + 16, 0);
        memory.write64(address + 24, 0x0004_FF44L); // MAIR: 0 NC, 1 WBRWA, 2 Device-nGnRE (as Linux)
        memory.write64(address, dw0);
    }
}
