package org.iommusim.vtd.driver;

import java.util.function.LongUnaryOperator;

import org.iommusim.core.bits.Bits;
import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.vtd.context.ContextEntry;
import org.iommusim.vtd.context.ScalableContextEntry;
import org.iommusim.vtd.fault.FaultRecorder;
import org.iommusim.vtd.invalidation.DescriptorType;
import org.iommusim.vtd.pasid.PasidDirectoryEntry;
import org.iommusim.vtd.pasid.PasidEntry;
import org.iommusim.vtd.pasid.Pgtt;
import org.iommusim.vtd.registers.Cap;
import org.iommusim.vtd.registers.Ecap;
import org.iommusim.vtd.registers.GlobalCommand;
import org.iommusim.vtd.registers.RegisterOffsets;

/**
 * A host driver for a VT-d unit, in the manner of Linux's intel-iommu: it reaches the unit only through
 * its MMIO registers and physical memory. It builds the root table (legacy or scalable), context
 * entries, PASID directories and tables, first- and second-stage page tables, turns on queued
 * invalidation and invalidates through the queue, ending each batch with an invalidation-wait
 * descriptor whose status write it checks (VT-d spec 6.5.2.8).
 */
public final class VtdDriver {
    private static final int STATUS_DONE = 0x600D;
    private static final int PDTS_MAX = 7; // 2^14 directory entries: all 20-bit PASIDs

    private final Iommu iommu;
    private final PhysicalMemory memory;
    private final FrameAllocator frames;
    private final Cap cap;
    private final Ecap ecap;
    private boolean scalable;
    private long rootTable;
    private long queue;
    private boolean wideDescriptors;
    private int queueEntries;
    private int tail;
    private long statusWord;

    /** @param regionStart first byte of the memory the driver may allocate from, up to {@code regionEnd} */
    public VtdDriver(Iommu iommu, long regionStart, long regionEnd) {
        this.iommu = iommu;
        this.memory = iommu.memory();
        this.frames = new FrameAllocator(memory, regionStart, regionEnd);
        this.cap = new Cap(iommu.mmioRead(RegisterOffsets.CAP, 8));
        this.ecap = new Ecap(iommu.mmioRead(RegisterOffsets.ECAP, 8));
    }

    /**
     * The primary fault handler (VT-d 7.2.1 software steps): clears F in every fault recording register that
     * holds a fault, then FSTS.PFO. Returns how many records held a fault.
     */
    public int clearFaultRecords() {
        int n = 0;
        for (int i = 0; i < cap.faultRecordCount(); i++) {
            long hi = cap.faultRecordingOffset() + (long) i * RegisterOffsets.FRCD_SIZE + 8;
            if (Bits.bit(iommu.mmioRead(hi, 8), FaultRecorder.FRCD_HI_F)) {
                iommu.mmioWrite(hi, 8, 1L << FaultRecorder.FRCD_HI_F);
                n++;
            }
        }
        iommu.mmioWrite(RegisterOffsets.FSTS, 4, FaultRecorder.FSTS_PFO);
        return n;
    }

    public Cap cap() {
        return cap;
    }

    public Ecap ecap() {
        return ecap;
    }

    /**
     * Programs the root table (scalable when asked and ECAP.SMTS allows), turns on queued invalidation
     * when ECAP.QI is set, and enables translation. Returns false when the unit cannot do what is asked.
     */
    public boolean init(boolean scalableMode) {
        // Scalable mode has no register-based PASID-cache invalidation: it needs the queue.
        if (scalableMode && (!ecap.has(Ecap.SMTS) || !ecap.has(Ecap.QI))) {
            return false;
        }
        scalable = scalableMode;
        rootTable = frames.allocate();
        statusWord = frames.allocate();
        iommu.mmioWrite(RegisterOffsets.RTADDR, 8, rootTable | (scalable ? 1L << 10 : 0));
        int gcmd = GlobalCommand.SRTP;
        iommu.mmioWrite(RegisterOffsets.GCMD, 4, gcmd);
        if ((iommu.mmioRead(RegisterOffsets.GSTS, 4) & GlobalCommand.SRTP) == 0) {
            return false;
        }
        int persistent = 0;
        if (ecap.has(Ecap.QI)) {
            queue = frames.allocate();
            wideDescriptors = scalable;
            queueEntries = 4096 / (wideDescriptors ? 32 : 16);
            tail = 0;
            iommu.mmioWrite(RegisterOffsets.IQT, 8, 0);
            iommu.mmioWrite(RegisterOffsets.IQA, 8, queue | (wideDescriptors ? 1L << 11 : 0));
            persistent |= GlobalCommand.QIE;
            iommu.mmioWrite(RegisterOffsets.GCMD, 4, persistent);
        }
        persistent |= GlobalCommand.TE;
        iommu.mmioWrite(RegisterOffsets.GCMD, 4, persistent);
        return ((int) iommu.mmioRead(RegisterOffsets.GSTS, 4) & persistent) == persistent;
    }

    /** A new, empty second-stage table of {@code levels} (3, 4 or 5) levels in host memory. */
    public IoPageTable newSecondStageTable(int levels) {
        return new IoPageTable(memory, frames::allocate, IoPageTable.Kind.SECOND_STAGE, levels, LongUnaryOperator.identity());
    }

    /** A new first-stage table (4 or 5 levels) whose table addresses are host-physical. */
    public IoPageTable newFirstStageTable(int levels) {
        return new IoPageTable(memory, frames::allocate, IoPageTable.Kind.FIRST_STAGE, levels, LongUnaryOperator.identity());
    }

    /**
     * A first-stage table for nested translation: its frames come from {@code guestFrames} (guest-
     * physical addresses), written at {@code guestToHost} of them (what the guest's own driver does).
     */
    public IoPageTable newGuestFirstStageTable(int levels, IoPageTable.FrameSource guestFrames,
                                              LongUnaryOperator guestToHost) {
        return new IoPageTable(memory, guestFrames, IoPageTable.Kind.FIRST_STAGE, levels, guestToHost);
    }

    private long contextTable(int bus, boolean upper) {
        long rootAddress = rootTable + 16L * bus + (upper ? 8 : 0);
        long e = memory.read64(rootAddress);
        if (!Bits.bit(e, 0)) {
            long table = frames.allocate();
            memory.write64(rootAddress, table | 1);
            return table;
        }
        return Bits.extract(e, 63, 12);
    }

    /** Legacy mode: device {@code sid} translates through {@code ss} in domain {@code did} (or passes through). */
    public void attachLegacy(int sid, int did, IoPageTable ss, boolean passThrough) {
        long table = contextTable(sid >>> 8, false);
        long a = ContextEntry.entryAddress(table, sid & 0xFF);
        long lo = 1L << ContextEntry.P;
        long hi = Bits.withField(0, ContextEntry.DID_HI, ContextEntry.DID_LO, did);
        if (passThrough) {
            // Pass-through entries carry the largest AGAW the unit supports (section 9.3).
            lo = Bits.withField(lo, ContextEntry.TT_HI, ContextEntry.TT_LO, ContextEntry.TT_PASS_THROUGH);
            hi = Bits.withField(hi, ContextEntry.AW_HI, ContextEntry.AW_LO, (cap.largestAgawWidth() - 30) / 9);
        } else {
            lo |= ss.root();
            hi = Bits.withField(hi, ContextEntry.AW_HI, ContextEntry.AW_LO, ss.levels() - 2);
        }
        memory.write64(a + 8, hi);
        memory.write64(a, lo);
        flushContextDevice(sid);
        flushIotlbDomain(did);
    }

    private long scalableContext(int sid) {
        int devfn = sid & 0xFF;
        long table = contextTable(sid >>> 8, devfn >= 128);
        long a = ScalableContextEntry.entryAddress(table, devfn);
        long w0 = memory.read64(a);
        if (!Bits.bit(w0, ScalableContextEntry.P)) {
            long dir = allocateContiguous(PDTS_MAX);
            w0 = dir | (1L << ScalableContextEntry.P) | ((long) PDTS_MAX << ScalableContextEntry.PDTS_LO);
            // PASIDE is a reserved bit on units without PASID support (their requests carry none).
            w0 = Bits.withBit(w0, ScalableContextEntry.PASIDE, ecap.has(Ecap.PASID));
            memory.write64(a + 8, 0);
            memory.write64(a, w0);
            flushContextDevice(sid);
        }
        return Bits.extract(w0, ScalableContextEntry.PASIDDIRPTR_HI, ScalableContextEntry.PASIDDIRPTR_LO);
    }

    /** A PASID directory of 2^(pdts+7) 8-byte entries: 2^(pdts-2) contiguous frames. */
    private long allocateContiguous(int pdts) {
        long first = frames.allocate();
        for (int i = 1; i < 1 << (pdts - 2); i++) {
            frames.allocate();
        }
        return first;
    }

    /** Scalable mode: installs the PASID entry for (sid, pasid); requests without PASID use PASID 0. */
    public void setPasidEntry(int sid, int pasid, PasidSetup s) {
        long dir = scalableContext(sid);
        long dirAddress = PasidDirectoryEntry.entryAddress(dir, pasid);
        long d = memory.read64(dirAddress);
        if (!Bits.bit(d, PasidDirectoryEntry.P)) {
            d = frames.allocate() | 1;
            memory.write64(dirAddress, d);
        }
        long a = PasidEntry.entryAddress(Bits.extract(d, 63, 12), pasid);
        long w0 = 1L << PasidEntry.P;
        w0 = Bits.withField(w0, PasidEntry.PGTT_HI, PasidEntry.PGTT_LO, s.pgtt().encoding());
        long w2 = 0;
        if (s.secondStage() != null) {
            w0 |= s.secondStage().root();
            w0 = Bits.withField(w0, PasidEntry.AW_HI, PasidEntry.AW_LO, s.secondStage().levels() - 2);
            w0 = Bits.withBit(w0, PasidEntry.SSADE, s.ssade());
        }
        if (s.firstStage() != null) {
            w2 = s.firstStage().root();
            w2 = Bits.withField(w2, PasidEntry.FLPM_HI, PasidEntry.FLPM_LO,
                    s.firstStage().levels() == 5 ? PasidEntry.FLPM_5LEVEL : PasidEntry.FLPM_4LEVEL);
        }
        w2 = Bits.withBit(w2, PasidEntry.SRE, s.sre());
        w2 = Bits.withBit(w2, PasidEntry.ERE, s.ere());
        w2 = Bits.withBit(w2, PasidEntry.WPE, s.wpe());
        w2 = Bits.withBit(w2, PasidEntry.EAFE, s.eafe());
        long w1 = Bits.withField(0, PasidEntry.DID_HI, PasidEntry.DID_LO, s.did());
        // Snooped page walks when the unit has them: needed for hardware A/D updates (section 3.10).
        w1 = Bits.withBit(w1, PasidEntry.PWSNP, ecap.has(Ecap.SMPWCS));
        for (int i = 3; i < 8; i++) {
            memory.write64(a + 8L * i, 0);
        }
        memory.write64(a + 16, w2);
        memory.write64(a + 8, w1);
        memory.write64(a, w0);
        flushPasidCache(s.did(), pasid);
        flushPasidIotlb(s.did(), pasid);
        if (s.pgtt() != Pgtt.FIRST_STAGE) {
            flushIotlbDomain(s.did());
        }
    }

    /** Scalable mode: clears the PASID entry of (sid, pasid), then its PASID cache and IOTLB entries. */
    public void clearPasidEntry(int sid, int pasid, int did) {
        long dir = scalableContext(sid);
        long d = memory.read64(PasidDirectoryEntry.entryAddress(dir, pasid));
        if (!Bits.bit(d, PasidDirectoryEntry.P)) {
            return;
        }
        long a = PasidEntry.entryAddress(Bits.extract(d, 63, 12), pasid);
        memory.write64(a, 0);
        flushPasidCache(did, pasid);
        flushPasidIotlb(did, pasid);
        flushIotlbDomain(did);
    }

    /** Legacy mode: clears the context entry of {@code sid}, then its context cache and IOTLB entries. */
    public void clearLegacy(int sid, int did) {
        long a = ContextEntry.entryAddress(contextTable(sid >>> 8, false), sid & 0xFF);
        memory.write64(a, 0);
        memory.write64(a + 8, 0);
        flushContextDevice(sid);
        flushIotlbDomain(did);
    }

    public PhysicalMemory memory() {
        return memory;
    }

    public boolean scalable() {
        return scalable;
    }

    // ---- queued invalidation ----

    private long descriptorType(int type) {
        return (type & 0xF) | ((long) (type >>> 4) << 9);
    }

    /** Queues descriptors, then a wait descriptor with a status write; true when the wait completed. */
    private boolean submit(long[]... descriptors) {
        for (long[] d : descriptors) {
            put(d[0], d[1]);
        }
        memory.write32(statusWord, 0);
        long wait = descriptorType(DescriptorType.INVALIDATION_WAIT) | (1L << 5) | ((long) STATUS_DONE << 32);
        put(wait, statusWord);
        iommu.mmioWrite(RegisterOffsets.IQT, 8, (long) tail << (wideDescriptors ? 5 : 4));
        boolean done = memory.read32(statusWord) == STATUS_DONE;
        int fsts = (int) iommu.mmioRead(RegisterOffsets.FSTS, 4);
        return done && (fsts & FaultRecorder.FSTS_IQE) == 0;
    }

    private void put(long q0, long q1) {
        int size = wideDescriptors ? 32 : 16;
        long a = queue + (long) tail * size;
        memory.write64(a, q0);
        memory.write64(a + 8, q1);
        if (wideDescriptors) {
            memory.write64(a + 16, 0);
            memory.write64(a + 24, 0);
        }
        tail = (tail + 1) % queueEntries;
    }

    private boolean queued() {
        return queue != 0;
    }

    public boolean flushContextDevice(int sid) {
        if (!queued()) {
            iommu.mmioWrite(RegisterOffsets.CCMD, 8, (1L << 63) | (3L << 61) | ((long) (sid & 0xFFFF) << 16));
            return (iommu.mmioRead(RegisterOffsets.CCMD, 8) >>> 63) == 0;
        }
        return submit(new long[] {descriptorType(DescriptorType.CONTEXT_CACHE) | (3 << 4) | ((long) (sid & 0xFFFF) << 32), 0});
    }

    public boolean flushIotlbDomain(int did) {
        if (!queued()) {
            long reg = ecap.iotlbRegisterOffset() + RegisterOffsets.IOTLB_FROM_IRO;
            iommu.mmioWrite(reg, 8, (1L << 63) | (2L << 60) | ((long) did << 32));
            return (iommu.mmioRead(reg, 8) >>> 63) == 0;
        }
        return submit(new long[] {descriptorType(DescriptorType.IOTLB) | (2 << 4) | ((long) did << 16), 0});
    }

    /** Page-selective IOTLB invalidation of 2^am pages at {@code iova} (second-stage mappings). */
    public boolean flushIotlbPages(int did, long iova, int am) {
        if (!queued()) {
            long iro = ecap.iotlbRegisterOffset();
            iommu.mmioWrite(iro + RegisterOffsets.IVA_FROM_IRO, 8, (iova & ~0xFFFL) | am);
            iommu.mmioWrite(iro + RegisterOffsets.IOTLB_FROM_IRO, 8, (1L << 63) | (3L << 60) | ((long) did << 32));
            return (iommu.mmioRead(iro + RegisterOffsets.IOTLB_FROM_IRO, 8) >>> 63) == 0;
        }
        return submit(new long[] {descriptorType(DescriptorType.IOTLB) | (3 << 4) | ((long) did << 16),
                (iova & ~0xFFFL) | am});
    }

    /** PASID-based IOTLB invalidation of every mapping of (did, pasid): first-stage and nested. */
    public boolean flushPasidIotlb(int did, int pasid) {
        if (!queued() || !wideDescriptors) {
            return flushIotlbDomain(did);
        }
        return submit(new long[] {descriptorType(DescriptorType.PASID_IOTLB) | (2 << 4) | ((long) did << 16)
                | ((long) pasid << 32), 0});
    }

    /** PASID-based page-selective IOTLB invalidation of 2^am pages at {@code iova}. */
    public boolean flushPasidIotlbPages(int did, int pasid, long iova, int am) {
        if (!queued() || !wideDescriptors) {
            return flushIotlbDomain(did);
        }
        return submit(new long[] {descriptorType(DescriptorType.PASID_IOTLB) | (3 << 4) | ((long) did << 16)
                | ((long) pasid << 32), (iova & ~0xFFFL) | am});
    }

    public boolean flushPasidCache(int did, int pasid) {
        if (!queued() || !wideDescriptors) {
            return true;
        }
        return submit(new long[] {descriptorType(DescriptorType.PASID_CACHE) | (1 << 4) | ((long) did << 16)
                | ((long) pasid << 32), 0});
    }
}
