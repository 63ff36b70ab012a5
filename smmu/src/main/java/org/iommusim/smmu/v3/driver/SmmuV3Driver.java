package org.iommusim.smmu.v3.driver;

import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.smmu.v3.command.Command;
import org.iommusim.smmu.v3.command.Opcode;
import org.iommusim.smmu.v3.registers.ControlFields;
import org.iommusim.smmu.v3.registers.IdRegisters;
import org.iommusim.smmu.v3.registers.QueuePointers;
import org.iommusim.smmu.v3.registers.RegisterOffsets;
import org.iommusim.smmu.v3.ste.SteField;
import org.iommusim.smmu.v3.ste.StreamTable;
import org.iommusim.smmu.v3.ste.StreamTableEntry;

/**
 * A host driver for the SMMUv3 model that, like Linux's arm-smmu-v3, reaches it only through its
 * registers and physical memory: it reads the ID registers, builds a linear or 2-level stream table,
 * the command and event queues, enables the SMMU, attaches streams (abort, bypass, stage 1 with a CD
 * table of any format, stage 2, nested with a guest's CD table) and invalidates through the command
 * queue, completing each batch with a CMD_SYNC whose MSI it polls.
 */
public final class SmmuV3Driver {
    /** Stream table shape. */
    public enum StreamTableFormat { LINEAR, TWO_LEVEL }

    private static final int QUEUE_LOG2 = 8;
    private static final int SPLIT = 8;

    private final Iommu smmu;
    private final PhysicalMemory memory;
    private final PageAllocator allocator;
    private final IdRegisters id;
    private final StreamTableFormat format;
    private final int sidBits;
    private long strtab;
    private long cmdq;
    private long evtq;
    private long syncWord;
    private int prod;
    private int syncCount;

    public SmmuV3Driver(Iommu smmu, PageAllocator allocator, StreamTableFormat format, int sidBits) {
        this.smmu = smmu;
        this.memory = smmu.memory();
        this.allocator = allocator;
        if (allocator.memory().toPhysical(0) != 0) {
            throw new IllegalArgumentException("the host driver allocates host-physical memory");
        }
        this.id = new IdRegisters((int) read(RegisterOffsets.IDR0), (int) read(RegisterOffsets.IDR1),
                (int) read(RegisterOffsets.IDR2), (int) read(RegisterOffsets.IDR3), (int) read(RegisterOffsets.IDR4),
                (int) read(RegisterOffsets.IDR5), (int) read(RegisterOffsets.IIDR), (int) read(RegisterOffsets.AIDR));
        this.format = format == StreamTableFormat.TWO_LEVEL && id.stLevel() == 1 ? format : StreamTableFormat.LINEAR;
        this.sidBits = Math.min(sidBits, id.sidSize());
    }

    public IdRegisters idRegisters() {
        return id;
    }

    private long read(int offset) {
        return smmu.mmioRead(offset, 4);
    }

    private void write(int offset, long value) {
        smmu.mmioWrite(offset, 4, value);
    }

    /** Builds the tables and queues and enables the SMMU (the arm_smmu_device_reset order). */
    public void init() {
        write(RegisterOffsets.CR0, 0);
        if (format == StreamTableFormat.LINEAR) {
            strtab = allocator.allocate(StreamTable.STE_SIZE << sidBits, Math.max(64, StreamTable.STE_SIZE << sidBits));
            write(RegisterOffsets.STRTAB_BASE_CFG, sidBits);
        } else {
            long l1Size = 8L << Math.max(0, sidBits - SPLIT);
            strtab = allocator.allocate(Math.max(64, l1Size), Math.max(64, l1Size));
            write(RegisterOffsets.STRTAB_BASE_CFG, sidBits | (SPLIT << 6) | (StreamTable.FMT_2LEVEL << 16));
        }
        smmu.mmioWrite(RegisterOffsets.STRTAB_BASE, 8, strtab);
        cmdq = allocator.allocate(16L << QUEUE_LOG2, 16L << QUEUE_LOG2);
        smmu.mmioWrite(RegisterOffsets.CMDQ_BASE, 8, cmdq | Math.min(QUEUE_LOG2, id.cmdqs()));
        write(RegisterOffsets.CMDQ_PROD, 0);
        write(RegisterOffsets.CMDQ_CONS, 0);
        evtq = allocator.allocate(32L << QUEUE_LOG2, 32L << QUEUE_LOG2);
        smmu.mmioWrite(RegisterOffsets.EVENTQ_BASE, 8, evtq | Math.min(QUEUE_LOG2, id.eventqs()));
        write(RegisterOffsets.EVENTQ_PROD, 0);
        write(RegisterOffsets.EVENTQ_CONS, 0);
        syncWord = allocator.allocate(8, 8);
        write(RegisterOffsets.CR2, ControlFields.CR2_RECINVSID);
        enable(ControlFields.CR0_CMDQEN);
        submit(Command.of(Opcode.CFGI_STE_RANGE).withRange(Opcode.RANGE_ALL));
        if (id.s1p() || id.s2p()) {
            submit(Command.of(Opcode.TLBI_NSNH_ALL));
        }
        sync();
        enable(ControlFields.CR0_CMDQEN | ControlFields.CR0_EVENTQEN);
        enable(ControlFields.CR0_CMDQEN | ControlFields.CR0_EVENTQEN | ControlFields.CR0_SMMUEN);
    }

    private void enable(int cr0) {
        write(RegisterOffsets.CR0, cr0);
        if ((read(RegisterOffsets.CR0ACK) & ControlFields.CR0_MASK) != cr0) {
            throw new IllegalStateException("CR0ACK did not follow CR0");
        }
    }

    // ---- stream table ----

    /** The address of a StreamID's STE, allocating its level-2 table when needed. */
    public long steAddress(int sid) {
        if (format == StreamTableFormat.LINEAR) {
            return strtab + (long) sid * StreamTable.STE_SIZE;
        }
        long l1Address = strtab + ((long) sid >>> SPLIT) * 8;
        long l1 = memory.read64(l1Address);
        if ((l1 & 0x1F) == 0) {
            long l2Size = StreamTable.STE_SIZE << SPLIT;
            long l2 = allocator.allocate(l2Size, l2Size);
            l1 = StreamTable.l1Descriptor(l2, SPLIT + 1);
            memory.write64(l1Address, l1);
        }
        return (l1 & 0x000F_FFFF_FFFF_FFC0L) + (long) (sid & ((1 << SPLIT) - 1)) * StreamTable.STE_SIZE;
    }

    private void writeSte(int sid, long dw0, long dw1, long dw2, long dw3) {
        long a = steAddress(sid);
        memory.write64(a + 8, dw1);
        memory.write64(a + 16, dw2);
        memory.write64(a + 24, dw3);
        memory.write64(a, dw0);
        submit(Command.of(Opcode.CFGI_STE).withStreamId(sid).withLeaf(true));
        sync();
    }

    public void attachAbort(int sid) {
        writeSte(sid, SteField.v() | SteField.config(StreamTableEntry.CONFIG_ABORT), 0, 0, 0);
    }

    public void attachBypass(int sid) {
        writeSte(sid, SteField.v() | SteField.config(StreamTableEntry.CONFIG_BYPASS), 0, 0, 0);
    }

    /** Stage 1 through a CD table; requests without a SubstreamID use CD 0 when the table has several. */
    public void attachStage1(int sid, CdTable cds) {
        long dw0 = SteField.v() | SteField.config(StreamTableEntry.CONFIG_S1) | SteField.s1ContextPtr(cds.base())
                | SteField.s1Fmt(cds.s1Fmt()) | SteField.s1CdMax(cds.cdMax());
        long dw1 = cds.cdMax() != 0 ? SteField.s1Dss(StreamTableEntry.S1DSS_SSID0) : 0;
        writeSte(sid, dw0, dw1, 0, 0);
    }

    private static long stage2Dw2(int vmid, IoPageTable s2) {
        return SteField.s2Vmid(vmid) | SteField.s2T0sz(s2.tsz()) | SteField.s2Sl0(s2.sl0())
                | SteField.s2Tg(s2.granule().tg0()) | SteField.s2Ps(psOf(s2.oas())) | SteField.s2Aa64()
                | SteField.s2R();
    }

    private static int psOf(int bits) {
        int ps = org.iommusim.smmu.vmsa.PhysicalAddressSize.encode(bits);
        return ps < 0 ? 5 : ps;
    }

    public void attachStage2(int sid, int vmid, IoPageTable s2) {
        writeSte(sid, SteField.v() | SteField.config(StreamTableEntry.CONFIG_S2), 0, stage2Dw2(vmid, s2),
                SteField.s2Ttb(s2.root()));
    }

    /**
     * Nested: the guest's CD table (at an IPA) over the host's stage-2 table (the BIND_PASID_TABLE shape).
     */
    public void attachNested(int sid, int vmid, IoPageTable s2, long guestCdTableIpa, int s1Fmt, int cdMax) {
        long dw0 = SteField.v() | SteField.config(StreamTableEntry.CONFIG_NESTED)
                | SteField.s1ContextPtr(guestCdTableIpa) | SteField.s1Fmt(s1Fmt) | SteField.s1CdMax(cdMax);
        long dw1 = cdMax != 0 ? SteField.s1Dss(StreamTableEntry.S1DSS_SSID0) : 0;
        writeSte(sid, dw0, dw1, stage2Dw2(vmid, s2), SteField.s2Ttb(s2.root()));
    }

    /**
     * Nested with the STE words a guest (or a VMM) chose: the stage-1 fields of {@code guestDw0} and
     * {@code guestDw1} (Config forced to nested, V set) over the host's stage 2 with {@code vmid}.
     */
    public void attachNestedWords(int sid, int vmid, IoPageTable s2, long guestDw0, long guestDw1) {
        long dw0 = (guestDw0 & ~SteField.config(7)) | SteField.v() | SteField.config(StreamTableEntry.CONFIG_NESTED);
        writeSte(sid, dw0, guestDw1, stage2Dw2(vmid, s2), SteField.s2Ttb(s2.root()));
    }

    // ---- command queue ----

    /** Appends commands at CMDQ_PROD and publishes them; the model consumes them at once. */
    public void submit(Command... commands) {
        int log2 = Math.min(QUEUE_LOG2, id.cmdqs());
        for (Command c : commands) {
            if (QueuePointers.full(prod, (int) read(RegisterOffsets.CMDQ_CONS), log2)) {
                throw new IllegalStateException("command queue full");
            }
            long slot = cmdq + (long) QueuePointers.index(prod, log2) * 16;
            memory.write64(slot, c.dw0());
            memory.write64(slot + 8, c.dw1());
            prod = QueuePointers.increment(prod, log2);
        }
        write(RegisterOffsets.CMDQ_PROD, prod);
    }

    /**
     * CMD_SYNC with CS=SIG_IRQ and an MSI to a word the driver polls (Linux's MSIPOLL): true when the MSI
     * arrived and every command was consumed without a command error.
     */
    public boolean sync() {
        syncCount++;
        submit(Command.sync(1, syncWord, syncCount));
        int cons = (int) read(RegisterOffsets.CMDQ_CONS);
        boolean error = (read(RegisterOffsets.GERROR) ^ read(RegisterOffsets.GERRORN)) != 0;
        return !error && memory.read32(syncWord) == syncCount
                && QueuePointers.empty(prod, cons, Math.min(QUEUE_LOG2, id.cmdqs()));
    }

    public void invalidateAsid(int vmid, int asid) {
        submit(Command.of(Opcode.TLBI_NH_ASID).withVmid(vmid).withAsid(asid));
        sync();
    }

    public void invalidateVa(int vmid, int asid, long iova, boolean leaf) {
        submit(Command.of(Opcode.TLBI_NH_VA).withVmid(vmid).withAsid(asid).withAddress(iova).withLeaf(leaf));
        sync();
    }

    /**
     * Invalidates the stage-1 leaf entries of {@code [iova, iova + size)} for an ASID: with IDR3.RIL as few
     * range commands as the TG/SCALE/NUM encoding allows (the __arm_smmu_tlb_inv_range scheme: each
     * command covers NUM+1 times 2^SCALE pages of the granule), otherwise one command per page.
     *
     * @param granule   the page table's granule (TG)
     * @param leafLevel the level of the leaves being removed (TTL), or 0 when unknown
     */
    public void invalidateRange(int vmid, int asid, long iova, long size, org.iommusim.smmu.vmsa.Granule granule,
                                int leafLevel) {
        int tg = granule.pageShift();
        long pages = size >>> tg;
        long address = iova;
        if (!id.ril()) {
            for (long i = 0; i < pages; i++) {
                submit(Command.of(Opcode.TLBI_NH_VA).withVmid(vmid).withAsid(asid).withLeaf(true)
                        .withAddress(address + (i << tg)));
            }
            sync();
            return;
        }
        if (leafLevel == 0 && (pages & 31) == 1) {
            pages++; // NUM = SCALE = TTL = 0 with a TG is reserved: cover one page more
        }
        while (pages > 0) {
            int scale = Long.numberOfTrailingZeros(pages);
            int num = (int) ((pages >>> scale) & 31);
            submit(Command.of(Opcode.TLBI_NH_VA).withVmid(vmid).withAsid(asid).withLeaf(true).withAddress(address)
                    .withRangeFields(num - 1, scale, (tg - 10) / 2, leafLevel));
            address += (long) num << (scale + tg);
            pages -= (long) num << scale;
        }
        sync();
    }

    public void invalidateIpa(int vmid, long ipa) {
        submit(Command.of(Opcode.TLBI_S2_IPA).withVmid(vmid).withAddress(ipa).withLeaf(true));
        sync();
    }

    public void invalidateVmid(int vmid) {
        submit(Command.of(Opcode.TLBI_S12_VMALL).withVmid(vmid));
        sync();
    }

    public void invalidateCd(int sid, int ssid) {
        submit(Command.of(Opcode.CFGI_CD).withStreamId(sid).withSubstreamId(ssid).withLeaf(true));
        sync();
    }

    /** The event queue's next unread record (four words), or null when it is empty; consumes it. */
    public long[] nextEvent() {
        int log2 = Math.min(QUEUE_LOG2, id.eventqs());
        int p = (int) read(RegisterOffsets.EVENTQ_PROD);
        int c = (int) read(RegisterOffsets.EVENTQ_CONS);
        if (QueuePointers.empty(p, c, log2)) {
            return null;
        }
        long a = evtq + (long) QueuePointers.index(c, log2) * 32;
        long[] r = {memory.read64(a), memory.read64(a + 8), memory.read64(a + 16), memory.read64(a + 24)};
        write(RegisterOffsets.EVENTQ_CONS, (p & ControlFields.QUEUE_OVERFLOW) | QueuePointers.increment(c, log2));
        return r;
    }
}
