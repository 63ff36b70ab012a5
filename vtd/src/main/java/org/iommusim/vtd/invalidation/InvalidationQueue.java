package org.iommusim.vtd.invalidation;

import org.iommusim.core.bits.Bits;
import org.iommusim.core.memory.AccessPurpose;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.vtd.fault.FaultRecorder;
import org.iommusim.vtd.registers.Cap;
import org.iommusim.vtd.registers.Ecap;

/**
 * Queued invalidation, VT-d specification section 6.5.2 (registers IQH, IQT, IQA, ICS, IECTL, IEDATA,
 * IEADDR, IEUADDR in 11.4.10-11.4.13). Software writes descriptors into a ring in memory and moves the
 * tail; the unit processes descriptors from the head to the tail at once.
 *
 * <p>A descriptor of an unknown type, with a non-zero reserved field, an invalid granularity, an
 * address mask beyond CAP.MAMV, a 256-bit-only type in a 128-bit queue, or one that cannot be read,
 * sets FSTS.IQE with the cause in IQERCD.IQEI (section 11.4.9.9); the head stays at that descriptor and
 * nothing more is fetched until software clears IQE (after fixing the descriptor), when processing
 * resumes from it. So does a tail beyond the queue or not 256-bit aligned, and a descriptor width that
 * does not fit the mode (128-bit descriptors in scalable mode, 256-bit ones without ECAP.SMTS/ADMS).
 */
public final class InvalidationQueue {
    // IQA (11.4.12)
    public static final int IQA_QS_HI = 2, IQA_QS_LO = 0;
    public static final int IQA_DW = 11;
    public static final int IQA_ADDR_HI = 63, IQA_ADDR_LO = 12;
    // IQH/IQT: QH/QT in bits 18:4 (index << 4 for 128-bit, << 5 for 256-bit descriptors)
    public static final int QT_HI = 18, QT_LO = 4;
    public static final int ICS_IWC = 1;
    public static final int IECTL_IM = 1 << 31;
    public static final int IECTL_IP = 1 << 30;
    // IQERCD.IQEI values (section 11.4.9.9)
    public static final int IQEI_TAIL = 1;
    public static final int IQEI_FETCH = 2;
    public static final int IQEI_TYPE = 3;
    public static final int IQEI_RESERVED = 4;
    public static final int IQEI_WIDTH = 5;
    public static final int IQEI_TAIL_ALIGNMENT = 6;
    private static final int OK = 0;

    // Descriptor fields (6.5.2.x)
    static final int G_HI = 5, G_LO = 4;
    static final int DID_HI = 31, DID_LO = 16;
    static final int CC_SID_HI = 47, CC_SID_LO = 32;
    static final int CC_FM_HI = 49, CC_FM_LO = 48;
    static final int AM_HI = 5, AM_LO = 0;
    static final int IH = 6;
    static final int ADDR_HI = 63, ADDR_LO = 12;
    static final int PASID_HI = 51, PASID_LO = 32;
    static final int WAIT_IF = 4;
    static final int WAIT_SW = 5;
    static final int WAIT_PD = 7;
    static final int WAIT_DATA_HI = 63, WAIT_DATA_LO = 32;
    static final int WAIT_ADDR_HI = 63, WAIT_ADDR_LO = 2;

    // Reserved fields of each descriptor's two first quadwords (6.5.2.1-6.5.2.8).
    static final long CC_RSVD0 = 0xFFFC_0000_0000_F1C0L;
    static final long IOTLB_RSVD0 = 0xFFFF_FFFF_0000_F100L;
    static final long IOTLB_RSVD1 = 0xF80L;
    static final long DEVTLB_RSVD0 = 0x000F_0000_FFE0_01F0L;
    static final long DEVTLB_RSVD1 = 0xFFEL;
    static final long IEC_RSVD0 = 0xFFFF_0000_07FF_F1E0L;
    static final long WAIT_RSVD0 = 0xFFFF_F100L;
    static final long WAIT_RSVD1 = 0x3L;
    static final long PIOTLB_RSVD0 = 0xFFF0_0000_0000_F1C0L;
    static final long PIOTLB_RSVD1 = 0xF80L;
    static final long PC_RSVD0 = 0xFFF0_0000_0000_F1C0L;
    static final long PDEVTLB_RSVD1 = 0x7FEL;

    private final PhysicalMemory memory;
    private final Cap cap;
    private final Ecap ecap;
    private final FaultRecorder faults;
    private final Invalidator invalidator;
    private final java.util.function.BooleanSupplier scalableMode;

    private boolean enabled;
    private long iqer;
    private long iqa;
    private int head;
    private long tail;
    private int ics;
    private int iectl = IECTL_IM;
    private int iedata;
    private int ieaddr;
    private int ieuaddr;

    private long processed;
    private long completionEvents;
    private long errors;

    /** @param scalableMode whether the latched RTADDR.TTM is scalable mode (128-bit descriptors are then an error) */
    public InvalidationQueue(PhysicalMemory memory, Cap cap, Ecap ecap, FaultRecorder faults, Invalidator invalidator,
                             java.util.function.BooleanSupplier scalableMode) {
        this.scalableMode = scalableMode;
        this.memory = memory;
        this.cap = cap;
        this.ecap = ecap;
        this.faults = faults;
        this.invalidator = invalidator;
    }

    private boolean wide() {
        return Bits.bit(iqa, IQA_DW);
    }

    private int descriptorSize() {
        return wide() ? 32 : 16;
    }

    private int entries() {
        return (1 << (Bits.field(iqa, IQA_QS_HI, IQA_QS_LO) + 12)) / descriptorSize();
    }

    /** GCMD.QIE: enabling starts processing anything already queued; disabling resets the head. */
    public void setEnabled(boolean on) {
        if (on == enabled) {
            return;
        }
        enabled = on;
        if (on) {
            process();
        } else {
            head = 0;
        }
    }

    public boolean enabled() {
        return enabled;
    }

    // ---- registers ----

    public long readHead() {
        return (long) head << (wide() ? 5 : 4);
    }

    public long readTail() {
        return tail;
    }

    public void writeTail(long value) {
        tail = value & Bits.mask(QT_HI, QT_LO);
        process();
    }

    public long readAddress() {
        return iqa;
    }

    public void writeAddress(long value) {
        // QS is 3 bits; 10:3 are reserved.
        iqa = value & (Bits.mask(IQA_ADDR_HI, IQA_ADDR_LO) | (1L << IQA_DW) | Bits.mask(IQA_QS_HI, IQA_QS_LO));
    }

    /** IQERCD_REG: the cause of the last queue error in IQEI. */
    public long readErrorRecord() {
        return iqer;
    }

    public int readCompletionStatus() {
        return ics;
    }

    /** ICS.IWC is RW1C; clearing it also clears a pending IECTL.IP. */
    public void writeCompletionStatus(int value) {
        if ((value & ICS_IWC) != 0) {
            ics &= ~ICS_IWC;
            iectl &= ~IECTL_IP;
        }
    }

    public int readEventControl() {
        return iectl;
    }

    public void writeEventControl(int value) {
        boolean wasMasked = (iectl & IECTL_IM) != 0;
        iectl = (iectl & ~IECTL_IM) | (value & IECTL_IM);
        if (wasMasked && (iectl & IECTL_IM) == 0 && (iectl & IECTL_IP) != 0) {
            iectl &= ~IECTL_IP;
            completionEvents++;
        }
    }

    public int eventData() {
        return iedata;
    }

    public void setEventData(int v) {
        iedata = v;
    }

    public int eventAddress() {
        return ieaddr;
    }

    public void setEventAddress(int v) {
        ieaddr = v & ~3;
    }

    public int eventUpperAddress() {
        return ieuaddr;
    }

    public void setEventUpperAddress(int v) {
        ieuaddr = v;
    }

    // ---- processing ----

    /** Processes descriptors from the head up to the tail, stopping at the first bad one. */
    public void process() {
        if (!enabled || faults.invalidationQueueErrorPending()) {
            return;
        }
        int n = entries();
        boolean w = wide();
        if (w ? !(ecap.has(Ecap.SMTS) || ecap.has(Ecap.ADMS)) : scalableMode.getAsBoolean()) {
            error(IQEI_WIDTH);
            return;
        }
        if (w && Bits.bit(tail, 4)) {
            error(IQEI_TAIL_ALIGNMENT);
            return;
        }
        if ((tail >>> (w ? 5 : 4)) >= n) {
            error(IQEI_TAIL);
            return;
        }
        int target = (int) (tail >>> (w ? 5 : 4));
        long base = Bits.extract(iqa, IQA_ADDR_HI, IQA_ADDR_LO);
        int size = descriptorSize();
        while (head != target) {
            long address = base + (long) head * size;
            if (!memory.inRange(address, size)) {
                error(IQEI_FETCH);
                return;
            }
            long q0 = memory.read64(address, AccessPurpose.QUEUE);
            long q1 = memory.read64(address + 8, AccessPurpose.QUEUE);
            long q2 = w ? memory.read64(address + 16, AccessPurpose.QUEUE) : 0;
            long q3 = w ? memory.read64(address + 24, AccessPurpose.QUEUE) : 0;
            int result = execute(q0, q1, q2, q3, w);
            if (result != OK) {
                error(result);
                return;
            }
            processed++;
            head = (head + 1) % n;
        }
    }

    private void error(int iqei) {
        errors++;
        iqer = Bits.withField(iqer, 3, 0, iqei);
        faults.invalidationQueueError();
    }

    /** Performs one descriptor; returns OK or the IQEI value of the error. */
    private int execute(long q0, long q1, long q2, long q3, boolean wide) {
        int type = DescriptorType.of(q0);
        // Table 26: legacy mode knows types 0x1-0x5 only; device-TLB types need ECAP.DT.
        if ((!scalableMode.getAsBoolean() && type > DescriptorType.INVALIDATION_WAIT)
                || ((type == DescriptorType.DEVICE_TLB || type == DescriptorType.PASID_DEVICE_TLB) && !ecap.has(Ecap.DT))) {
            return IQEI_TYPE;
        }
        int g = (int) Bits.field(q0, G_HI, G_LO);
        int did = (int) Bits.field(q0, DID_HI, DID_LO);
        boolean upperZero = q2 == 0 && q3 == 0;
        switch (type) {
            case DescriptorType.CONTEXT_CACHE -> {
                if ((q0 & CC_RSVD0) != 0 || q1 != 0 || !upperZero || g == 0) {
                    return IQEI_RESERVED;
                }
                switch (g) {
                    case 1 -> invalidator.contextGlobal();
                    case 2 -> invalidator.contextDomain(did);
                    default -> invalidator.contextDevice((int) Bits.field(q0, CC_SID_HI, CC_SID_LO),
                            (int) Bits.field(q0, CC_FM_HI, CC_FM_LO));
                }
                return OK;
            }
            case DescriptorType.IOTLB -> {
                int am = (int) Bits.field(q1, AM_HI, AM_LO);
                if ((q0 & IOTLB_RSVD0) != 0 || (q1 & IOTLB_RSVD1) != 0 || !upperZero || g == 0
                        || (g == 3 && am > cap.maxAddressMaskValue())) {
                    return IQEI_RESERVED;
                }
                switch (g) {
                    case 1 -> invalidator.iotlbGlobal();
                    case 2 -> invalidator.iotlbDomain(did);
                    default -> invalidator.iotlbPages(did, Bits.extract(q1, ADDR_HI, ADDR_LO), am, Bits.bit(q1, IH));
                }
                return OK;
            }
            case DescriptorType.DEVICE_TLB -> {
                if ((q0 & DEVTLB_RSVD0) != 0 || (q1 & DEVTLB_RSVD1) != 0 || !upperZero) {
                    return IQEI_RESERVED;
                }
                invalidator.count("device-tlb");
                return OK;
            }
            case DescriptorType.INTERRUPT_ENTRY_CACHE -> {
                if ((q0 & IEC_RSVD0) != 0 || q1 != 0 || !upperZero) {
                    return IQEI_RESERVED;
                }
                invalidator.count("interrupt-entry-cache");
                return OK;
            }
            case DescriptorType.INVALIDATION_WAIT -> {
                return waitDescriptor(q0, q1, upperZero);
            }
            case DescriptorType.PASID_IOTLB -> {
                int am = (int) Bits.field(q1, AM_HI, AM_LO);
                if (!wide) {
                    return IQEI_TYPE;
                }
                if ((q0 & PIOTLB_RSVD0) != 0 || (q1 & PIOTLB_RSVD1) != 0 || !upperZero || g < 2
                        || (g == 3 && am > cap.maxAddressMaskValue())) {
                    return IQEI_RESERVED;
                }
                int pasid = (int) Bits.field(q0, PASID_HI, PASID_LO);
                if (g == 2) {
                    invalidator.pasidIotlbAll(did, pasid);
                } else {
                    invalidator.pasidIotlbPages(did, pasid, Bits.extract(q1, ADDR_HI, ADDR_LO), am, Bits.bit(q1, IH));
                }
                return OK;
            }
            case DescriptorType.PASID_CACHE -> {
                if (!wide) {
                    return IQEI_TYPE;
                }
                if ((q0 & PC_RSVD0) != 0 || q1 != 0 || !upperZero || g == 2) {
                    return IQEI_RESERVED;
                }
                int pasid = (int) Bits.field(q0, PASID_HI, PASID_LO);
                switch (g) {
                    case 0 -> invalidator.pasidCacheDomain(did);
                    case 1 -> invalidator.pasidCachePasid(did, pasid);
                    default -> invalidator.pasidCacheGlobal();
                }
                return OK;
            }
            case DescriptorType.PASID_DEVICE_TLB -> {
                if (!wide) {
                    return IQEI_TYPE;
                }
                if ((q1 & PDEVTLB_RSVD1) != 0 || !upperZero) {
                    return IQEI_RESERVED;
                }
                invalidator.count("pasid-device-tlb");
                return OK;
            }
            default -> {
                return IQEI_TYPE;
            }
        }
    }

    /** Invalidation wait (6.5.2.8): status write (SW), completion interrupt (IF); FN is implicit here. */
    private int waitDescriptor(long q0, long q1, boolean upperZero) {
        long reserved = WAIT_RSVD0 | (ecap.has(Ecap.PDS) ? 0 : 1L << WAIT_PD);
        if ((q0 & reserved) != 0 || (q1 & WAIT_RSVD1) != 0 || !upperZero) {
            return IQEI_RESERVED;
        }
        if (Bits.bit(q0, WAIT_SW)) {
            long address = Bits.extract(q1, WAIT_ADDR_HI, WAIT_ADDR_LO);
            if (!memory.inRange(address, 4)) {
                return IQEI_FETCH;
            }
            memory.write32(address, (int) Bits.field(q0, WAIT_DATA_HI, WAIT_DATA_LO), AccessPurpose.QUEUE);
        }
        if (Bits.bit(q0, WAIT_IF) && (ics & ICS_IWC) == 0) {
            ics |= ICS_IWC;
            if ((iectl & IECTL_IM) != 0) {
                iectl |= IECTL_IP;
            } else {
                completionEvents++;
            }
        }
        invalidator.count("wait");
        return OK;
    }

    public long processed() {
        return processed;
    }

    public long completionEvents() {
        return completionEvents;
    }

    public long errors() {
        return errors;
    }
}
