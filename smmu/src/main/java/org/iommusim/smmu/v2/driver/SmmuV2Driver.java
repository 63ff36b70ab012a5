package org.iommusim.smmu.v2.driver;

import static org.iommusim.smmu.v2.registers.ContextBankRegisters.*;

import java.util.Objects;

import org.iommusim.core.host.PageSizes.LeafStatus;
import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.smmu.v2.contextbank.ContextBankAttribute;
import org.iommusim.smmu.v2.contextbank.ContextBankAttribute2;
import org.iommusim.smmu.v2.contextbank.StageOneControl;
import org.iommusim.smmu.v2.contextbank.StageTwoControl;
import org.iommusim.smmu.v2.contextbank.SystemControl;
import org.iommusim.smmu.v2.fault.FaultStatus;
import org.iommusim.smmu.v2.registers.AddressMap;
import org.iommusim.smmu.v2.registers.GlobalRegisters;
import org.iommusim.smmu.v2.registers.Idr0;
import org.iommusim.smmu.v2.registers.Idr1;
import org.iommusim.smmu.v2.registers.Idr2;
import org.iommusim.smmu.v2.registers.Scr0;
import org.iommusim.smmu.v2.streammatch.StreamMatchRegister;
import org.iommusim.smmu.v2.streammatch.StreamToContext;
import org.iommusim.smmu.vmsa.Granule;
import org.iommusim.smmu.vmsa.PhysicalAddressSize;
import org.iommusim.smmu.vmsa.VmsaFormat;

/**
 * A host driver for the SMMUv2 model, programming it only through MMIO and memory in the order Linux's
 * arm-smmu driver does (probe from IDR0-2; reset; per-domain CBA2R, CBAR, TCR2, TCR, TTBR, MAIR,
 * SCTLR; S2CR before SMR; TLB maintenance followed by a sync and a TLBSTATUS/sTLBGSTATUS poll). Unlike
 * Linux it also attaches nested contexts (CBAR type 3 naming a stage-2 bank), as Arm IHI 0062 section
 * 2.1 (Figure 2-5) describes and a hypervisor would.
 *
 * <p>Stage-1 banks are allocated from IDR1.NUMS2CB upward (ASID = bank index), stage-2 banks from 0
 * (VMID = bank index + 1); a nested stage-1 bank uses its stage-2 bank's VMID.
 */
public final class SmmuV2Driver {
    /** MAIR attribute 0: Normal, write-back cacheable; the only one the driver's leaves use. */
    private static final int MAIR0 = 0xFF;

    private final Iommu smmu;
    private final PhysicalMemory memory;
    private final Allocator tables;
    private final Idr0 idr0;
    private final Idr1 idr1;
    private final Idr2 idr2;
    private final AddressMap map;
    private final int groups;
    private final boolean[] bankUsed;
    private final boolean[] groupUsed;

    /**
     * @param smmu   the model
     * @param tables host-physical memory the driver may use for page tables
     */
    public SmmuV2Driver(Iommu smmu, Allocator tables) {
        this.smmu = Objects.requireNonNull(smmu);
        this.memory = smmu.memory();
        this.tables = tables;
        this.idr0 = new Idr0(read(GlobalRegisters.IDR0));
        this.idr1 = new Idr1(read(GlobalRegisters.IDR1));
        this.idr2 = new Idr2(read(GlobalRegisters.IDR2));
        this.map = AddressMap.of(idr1);
        this.groups = idr0.sms() ? idr0.numsmrg() : Math.min(1 << idr0.numsidb(), GlobalRegisters.MAX_MAPPING_GROUPS);
        this.bankUsed = new boolean[idr1.numcb()];
        this.groupUsed = new boolean[groups];
    }

    /** A translation context: its bank, its tag and its page table. */
    public record Domain(int bank, int stage, int vmid, int asid, VmsaPageTable table) {
    }

    /** Resets the SMMU to a known state and enables it with unmatched streams faulting (disable_bypass). */
    public void reset() {
        write(GlobalRegisters.SGFSR, read(GlobalRegisters.SGFSR));
        for (int n = 0; n < groups; n++) {
            write(GlobalRegisters.S2CR + 4 * n, StreamToContext.ofType(StreamToContext.TYPE_FAULT));
            if (idr0.sms()) {
                write(GlobalRegisters.SMR + 4 * n, 0);
            }
        }
        for (int n = 0; n < idr1.numcb(); n++) {
            writeCb(n, SCTLR, 0);
            writeCb(n, FSR, FaultStatus.FAULT);
        }
        write(GlobalRegisters.TLBIALLNSNH, 0xFFFF_FFFF);
        globalSync();
        int scr0 = (read(GlobalRegisters.SCR0) | Scr0.GFRE | Scr0.GFIE | Scr0.GCFGFRE | Scr0.GCFGFIE | Scr0.USFCFG
                | Scr0.VMIDPNE | Scr0.PTM | Scr0.SMCFCFG) & ~Scr0.CLIENTPD;
        write(GlobalRegisters.SCR0, scr0);
    }

    /** A stage-1 domain (CBAR type 1, stage 2 bypass) with {@code inputBits} of VA. */
    public Domain allocateStage1(Granule granule, int inputBits) {
        int bank = allocateBank(idr1.nums2cb());
        int outputBits = Math.min(idr2.iasBits(), VmsaFormat.MAX_OUTPUT_BITS);
        VmsaFormat format = VmsaFormat.stage1(granule, 64 - inputBits, outputBits).orElseThrow();
        VmsaPageTable table = new VmsaPageTable(format, TableMemory.physical(memory), tables);
        Domain d = new Domain(bank, 1, 0, bank, table);
        programStage1(d, ContextBankAttribute.of(ContextBankAttribute.TYPE_S1_TRANS_S2_BYPASS, 0, 0),
                table.root(), granule, inputBits, outputBits);
        return d;
    }

    /** A stage-2 domain (CBAR type 0) with {@code inputBits} of IPA, starting at {@code startLevel}. */
    public Domain allocateStage2(Granule granule, int inputBits, int startLevel) {
        int bank = allocateBank(0);
        int outputBits = Math.min(idr2.oasBits(), VmsaFormat.MAX_OUTPUT_BITS);
        int sl0 = VmsaFormat.stage2Sl0(granule, startLevel);
        VmsaFormat format = VmsaFormat.stage2(granule, 64 - inputBits, sl0, outputBits).orElseThrow();
        VmsaPageTable table = new VmsaPageTable(format, TableMemory.physical(memory), tables);
        int vmid = bank + 1;
        Domain d = new Domain(bank, 2, vmid, 0, table);
        write(GlobalRegisters.CBA2R + 4 * bank + (int) map.gr1Base(), ContextBankAttribute2.VA64);
        write(GlobalRegisters.CBAR + 4 * bank + (int) map.gr1Base(),
                ContextBankAttribute.of(ContextBankAttribute.TYPE_S2_TRANS, vmid, 0));
        int vtcr = (PhysicalAddressSize.encode(outputBits) << StageTwoControl.PS_LO)
                | (granule.tg0() << StageTwoControl.TG0_LO) | (sl0 << StageTwoControl.SL0_LO) | (64 - inputBits);
        writeCb(bank, TCR, vtcr);
        writeCb64(bank, TTBR0, table.root());
        writeCb(bank, SCTLR, SystemControl.CFIE | SystemControl.CFRE | SystemControl.AFE | SystemControl.TRE
                | SystemControl.M);
        return d;
    }

    /**
     * A nested stage-1 context (CBAR type 3) over {@code stage2}: the guest's stage-1 table is at the IPA
     * {@code guestRoot}, in {@code guestMemory} (the guest's view, through stage 2). The driver builds the
     * table on the guest's behalf with {@code guestTables} allocating IPAs.
     */
    public Domain allocateNested(Domain stage2, Granule granule, int inputBits, TableMemory guestMemory,
                                 Allocator guestTables) {
        if (!idr0.nts()) {
            throw new IllegalStateException("IDR0.NTS = 0: the SMMU cannot nest");
        }
        int bank = allocateBank(idr1.nums2cb());
        int outputBits = Math.min(idr2.iasBits(), VmsaFormat.MAX_OUTPUT_BITS);
        VmsaFormat format = VmsaFormat.stage1(granule, 64 - inputBits, outputBits).orElseThrow();
        VmsaPageTable table = new VmsaPageTable(format, guestMemory, guestTables);
        Domain d = new Domain(bank, 1, stage2.vmid(), bank, table);
        programStage1(d, ContextBankAttribute.of(ContextBankAttribute.TYPE_S1_TRANS_S2_TRANS, stage2.vmid(),
                stage2.bank()), table.root(), granule, inputBits, outputBits);
        return d;
    }

    /**
     * A nested stage-1 context (CBAR type 3) over {@code stage2} whose table a guest built: its root is
     * the IPA {@code guestRoot} (the guest's TTBR0), with {@code inputBits} of VA; the driver only
     * programs the bank. The returned domain has no table of the driver's.
     */
    public Domain attachNestedRoot(Domain stage2, Granule granule, int inputBits, long guestRoot) {
        if (!idr0.nts()) {
            throw new IllegalStateException("IDR0.NTS = 0: the SMMU cannot nest");
        }
        int bank = allocateBank(idr1.nums2cb());
        int outputBits = Math.min(idr2.iasBits(), VmsaFormat.MAX_OUTPUT_BITS);
        Domain d = new Domain(bank, 1, stage2.vmid(), bank, null);
        programStage1(d, ContextBankAttribute.of(ContextBankAttribute.TYPE_S1_TRANS_S2_TRANS, stage2.vmid(),
                stage2.bank()), guestRoot, granule, inputBits, outputBits);
        return d;
    }

    /** Invalidates every TLB entry tagged with the domain's VMID (both stages), then syncs. */
    public void invalidateVmid(Domain d) {
        write(GlobalRegisters.TLBIVMID, d.vmid());
        globalSync();
    }

    public Idr0 idr0() {
        return idr0;
    }

    public Idr2 idr2() {
        return idr2;
    }

    /** True when a context bank is free for one more domain. */
    public boolean bankAvailable(boolean stage1) {
        for (int n = stage1 ? idr1.nums2cb() : 0; n < bankUsed.length; n++) {
            if (!bankUsed[n]) {
                return true;
            }
        }
        return false;
    }

    /** The guest's invalidation of a whole nested stage-1 context (TLBIASID on its bank). */
    public void invalidateAll(Domain d) {
        writeCb(d.bank(), TLBIASID, d.asid() & 0xFF);
        contextSync(d.bank());
    }

    private void programStage1(Domain d, int cbar, long root, Granule granule, int inputBits, int outputBits) {
        int bank = d.bank();
        write(GlobalRegisters.CBA2R + 4 * bank + (int) map.gr1Base(), ContextBankAttribute2.VA64);
        write(GlobalRegisters.CBAR + 4 * bank + (int) map.gr1Base(), cbar);
        writeCb(bank, TCR2, PhysicalAddressSize.encode(outputBits));
        writeCb(bank, TCR, (1 << StageOneControl.EPD1) | (granule.tg0() << StageOneControl.TG0_LO) | (64 - inputBits));
        writeCb64(bank, TTBR0, root | ((long) (d.asid() & 0xFF) << 48));
        writeCb64(bank, TTBR1, (long) (d.asid() & 0xFF) << 48);
        writeCb(bank, MAIR0, MAIR0);
        writeCb(bank, MAIR1, 0);
        writeCb(bank, SCTLR, SystemControl.CFIE | SystemControl.CFRE | SystemControl.AFE | SystemControl.TRE
                | SystemControl.M | SystemControl.ASIDPNE);
    }

    /**
     * Routes StreamID {@code sid} (under {@code mask}) to the domain: S2CR first, then SMR.
     *
     * @return the stream mapping group used, for {@link #detach}
     */
    public int attach(int sid, int mask, Domain d) {
        int group;
        if (idr0.sms()) {
            group = -1;
            for (int n = 0; n < groups && group < 0; n++) {
                if (!groupUsed[n]) {
                    group = n;
                }
            }
            if (group < 0) {
                throw new IllegalStateException("no free stream mapping group");
            }
        } else {
            group = sid;
        }
        groupUsed[group] = true;
        write(GlobalRegisters.S2CR + 4 * group, StreamToContext.translation(d.bank()));
        if (idr0.sms()) {
            write(GlobalRegisters.SMR + 4 * group, StreamMatchRegister.of(sid, mask, true));
        }
        return group;
    }

    /** Undoes {@link #attach}: the SMR invalid first, then S2CR back to fault (Linux with disable_bypass). */
    public void detach(int group) {
        if (idr0.sms()) {
            write(GlobalRegisters.SMR + 4 * group, 0);
        }
        write(GlobalRegisters.S2CR + 4 * group, StreamToContext.ofType(StreamToContext.TYPE_FAULT));
        groupUsed[group] = false;
    }

    /**
     * Writes the leaf. Filling an invalid entry needs no TLB maintenance (faults are never cached);
     * replacing a valid one does ({@link #unmap} first, or {@link #invalidate} after).
     */
    public void map(Domain d, long iova, long output, long size, int permissions) {
        d.table().map(iova, output, size, permissions, true);
    }

    /** {@link #map}, reporting a slot in use instead of throwing. */
    public LeafStatus tryMap(Domain d, long iova, long output, long size, int permissions) {
        return d.table().tryMap(iova, output, size, permissions, true);
    }

    /** Unmaps and invalidates the TLB for it, then syncs. */
    public boolean unmap(Domain d, long iova, long size) {
        boolean removed = d.table().unmap(iova, size);
        if (d.stage() == 1) {
            for (long a = iova; a < iova + size; a += d.table().format().granule().pageSize()) {
                writeCb64(d.bank(), TLBIVA, ((a >>> 12) & ((1L << 44) - 1)) | ((long) (d.asid() & 0xFF) << 48));
            }
            contextSync(d.bank());
        } else {
            for (long a = iova; a < iova + size; a += d.table().format().granule().pageSize()) {
                writeCb64(d.bank(), TLBIIPAS2, a >>> 12);
            }
            contextSync(d.bank());
            // Nested stage-1 contexts may hold combined entries built on the old stage-2 mapping.
            write(GlobalRegisters.TLBIVMIDS1, d.vmid());
            globalSync();
        }
        return removed;
    }

    /** The guest's invalidation of one stage-1 page of a nested context (TLBIVA on its bank). */
    public void invalidate(Domain d, long iova) {
        writeCb64(d.bank(), TLBIVA, ((iova >>> 12) & ((1L << 44) - 1)) | ((long) (d.asid() & 0xFF) << 48));
        contextSync(d.bank());
    }

    /**
     * Frees a domain's context bank: SCTLR = 0, then its TLB entries invalidated and synced (TLBIALL on a
     * stage-1 bank; TLBIVMID for stage 2), so a later domain in the bank starts clean.
     */
    public void release(Domain d) {
        writeCb(d.bank(), SCTLR, 0);
        if (d.stage() == 1) {
            writeCb(d.bank(), TLBIALL, 0);
            contextSync(d.bank());
        } else {
            write(GlobalRegisters.TLBIVMID, d.vmid());
            globalSync();
        }
        bankUsed[d.bank()] = false;
    }

    /** Clears the context bank's fault status (the fault handler's last step). */
    public int clearFault(Domain d) {
        int fsr = readCb(d.bank(), FSR);
        writeCb(d.bank(), FSR, fsr);
        return fsr;
    }

    /** The context fault handler over every bank in use: clears each nonzero FSR; returns how many there were. */
    public int clearAllFaults() {
        int n = 0;
        for (int bank = 0; bank < bankUsed.length; bank++) {
            if (bankUsed[bank]) {
                int fsr = readCb(bank, FSR);
                if (fsr != 0) {
                    writeCb(bank, FSR, fsr);
                    n++;
                }
            }
        }
        return n;
    }

    private int allocateBank(int from) {
        for (int n = from; n < bankUsed.length; n++) {
            if (!bankUsed[n]) {
                bankUsed[n] = true;
                return n;
            }
        }
        throw new IllegalStateException("no free context bank");
    }

    private void contextSync(int bank) {
        writeCb(bank, TLBSYNC, 0xFFFF_FFFF);
        while ((readCb(bank, TLBSTATUS) & SACTIVE) != 0) {
            Thread.onSpinWait();
        }
    }

    private void globalSync() {
        write(GlobalRegisters.STLBGSYNC, 0xFFFF_FFFF);
        while ((read(GlobalRegisters.STLBGSTATUS) & GlobalRegisters.GSACTIVE) != 0) {
            Thread.onSpinWait();
        }
    }

    private int read(int offset) {
        return (int) smmu.mmioRead(offset, 4);
    }

    private void write(int offset, int value) {
        smmu.mmioWrite(offset, 4, value & 0xFFFF_FFFFL);
    }

    private int readCb(int bank, int offset) {
        return (int) smmu.mmioRead(map.contextBank(bank) + offset, 4);
    }

    private void writeCb(int bank, int offset, int value) {
        smmu.mmioWrite(map.contextBank(bank) + offset, 4, value & 0xFFFF_FFFFL);
    }

    private void writeCb64(int bank, int offset, long value) {
        smmu.mmioWrite(map.contextBank(bank) + offset, 8, value);
    }
}
