package org.iommusim.vtd.fault;

import org.iommusim.core.bits.Bits;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.TranslationRequest;

/**
 * Primary fault logging, VT-d specification section 7.2 (fault recording registers, FSTS, FECTL; register
 * layouts in 11.4.8, 11.4.9, 11.4.14). Owns FSTS, FECTL, FEDATA/FEADDR/FEUADDR and the CAP.NFR fault
 * recording registers (FRCD), each 128 bits.
 *
 * <p>Records are written round-robin at an internal index (reset when translation is disabled). When
 * that slot still holds a pending fault (F=1), the fault is not recorded and FSTS.PFO is set; while PFO
 * is set, nothing more is recorded (section 7.2.1; this model does not collapse faults of one source).
 * A fault event (an MSI through FEDATA/FEADDR) is raised only when none of PPF, PFO, IQE, ICE, ITE was
 * already set (section 7.3); with FECTL.IM set it is held as FECTL.IP until software unmasks it or
 * services every condition.
 */
public final class FaultRecorder {
    // FSTS bits (section 11.4.8)
    public static final int FSTS_PFO = 1;
    public static final int FSTS_PPF = 1 << 1;
    public static final int FSTS_AFO = 1 << 2;
    public static final int FSTS_APF = 1 << 3;
    public static final int FSTS_IQE = 1 << 4;
    public static final int FSTS_ICE = 1 << 5;
    public static final int FSTS_ITE = 1 << 6;
    public static final int FSTS_PRO = 1 << 7;
    public static final int FSTS_FRI_LO = 8, FSTS_FRI_HI = 15;
    /** The RW1C status bits. */
    private static final int FSTS_W1C = FSTS_PFO | FSTS_AFO | FSTS_APF | FSTS_IQE | FSTS_ICE | FSTS_ITE | FSTS_PRO;
    // FECTL bits (section 11.4.9)
    public static final int FECTL_IM = 1 << 31;
    public static final int FECTL_IP = 1 << 30;
    // FRCD high-qword bits (section 11.4.14)
    public static final int FRCD_HI_SID_HI = 15, FRCD_HI_SID_LO = 0;
    public static final int FRCD_HI_PRIV = 29;
    public static final int FRCD_HI_EXE = 30;
    public static final int FRCD_HI_PP = 31;
    public static final int FRCD_HI_FR_HI = 39, FRCD_HI_FR_LO = 32;
    public static final int FRCD_HI_PV_HI = 59, FRCD_HI_PV_LO = 40;
    public static final int FRCD_HI_AT_HI = 61, FRCD_HI_AT_LO = 60;
    public static final int FRCD_HI_T = 62;
    public static final int FRCD_HI_F = 63;
    public static final long FRCD_LO_FI_MASK = 0xFFFF_FFFF_FFFF_F000L;

    private final long[] records;
    private final int count;
    /** FI bits at and above the largest supported AGAW read as 0. */
    private final int fiWidth;
    private int status;
    private int faultControl = FECTL_IM;
    private int eventData;
    private int eventAddress;
    private int eventUpperAddress;
    private int next;
    private int fri;

    private long recorded;
    private long overflowed;
    private long suppressed;
    private long events;

    public FaultRecorder(int count, int fiWidth) {
        this.count = count;
        this.fiWidth = fiWidth;
        this.records = new long[2 * count];
    }

    /**
     * Logs a fault for {@code request}, unless {@code fpd} is set and the reason is qualified.
     *
     * @return true when it was written into a fault recording register
     */
    public boolean record(TranslationRequest request, FaultReason reason, boolean fpd) {
        if (fpd && reason.qualified()) {
            suppressed++;
            return false;
        }
        if ((status & FSTS_PFO) != 0) {
            overflowed++;
            return false;
        }
        boolean conditionBefore = anyConditionPending();
        int slot = next;
        if (Bits.bit(records[2 * slot + 1], FRCD_HI_F)) {
            status |= FSTS_PFO;
            overflowed++;
            if (!conditionBefore) {
                raiseEvent();
            }
            return false;
        }
        boolean pendingBefore = pendingFault();
        long fi = request.iova() & FRCD_LO_FI_MASK;
        if (fiWidth > 0 && fiWidth < 64) {
            fi &= (1L << fiWidth) - 1;
        }
        long hi = Bits.withField(0, FRCD_HI_SID_HI, FRCD_HI_SID_LO, request.sourceId() & 0xFFFF);
        hi = Bits.withField(hi, FRCD_HI_FR_HI, FRCD_HI_FR_LO, reason.code());
        hi = Bits.withBit(hi, FRCD_HI_PRIV, request.privileged());
        // Execute-Requested exists only in the PASID prefix: without a PASID the request was a read.
        hi = Bits.withBit(hi, FRCD_HI_EXE, request.access() == Access.EXEC && request.hasPasid());
        if (request.hasPasid()) {
            hi = Bits.withBit(hi, FRCD_HI_PP, true);
            hi = Bits.withField(hi, FRCD_HI_PV_HI, FRCD_HI_PV_LO, request.pasid());
        }
        // T: 0 = write, 1 = read (execute requests are reads).
        hi = Bits.withBit(hi, FRCD_HI_T, request.access() != Access.WRITE);
        hi = Bits.withBit(hi, FRCD_HI_F, true);
        records[2 * slot] = fi;
        records[2 * slot + 1] = hi;
        next = (slot + 1) % count;
        recorded++;
        if (!pendingBefore) {
            fri = slot;
        }
        if (!conditionBefore) {
            raiseEvent();
        }
        return true;
    }

    /** The internal index restarts at record 0 when translation and interrupt remapping are off. */
    public void resetIndex() {
        next = 0;
    }

    /** Sets FSTS.IQE (the invalidation queue stopped at a bad descriptor) and signals it. */
    public void invalidationQueueError() {
        boolean conditionBefore = anyConditionPending();
        status |= FSTS_IQE;
        if (!conditionBefore) {
            raiseEvent();
        }
    }

    private boolean anyConditionPending() {
        return pendingFault() || (status & (FSTS_PFO | FSTS_IQE | FSTS_ICE | FSTS_ITE)) != 0;
    }

    public boolean invalidationQueueErrorPending() {
        return (status & FSTS_IQE) != 0;
    }

    /** Signals a new condition: held as FECTL.IP while masked, otherwise delivered as an MSI at once. */
    private void raiseEvent() {
        if ((faultControl & FECTL_IM) != 0) {
            faultControl |= FECTL_IP;
        } else {
            events++;
        }
    }

    private boolean pendingFault() {
        return firstPending() >= 0;
    }

    /** FSTS.FRI: the oldest pending record, searching round-robin from the first one recorded. */
    private int firstPending() {
        for (int i = 0; i < count; i++) {
            int slot = (fri + i) % count;
            if (Bits.bit(records[2 * slot + 1], FRCD_HI_F)) {
                return slot;
            }
        }
        return -1;
    }

    // ---- registers ----

    public int readStatus() {
        int v = status;
        int first = firstPending();
        if (first >= 0) {
            v |= FSTS_PPF;
            v = (int) Bits.withField(v, FSTS_FRI_HI, FSTS_FRI_LO, first);
        }
        return v;
    }

    public void writeStatus(int value) {
        status &= ~(value & FSTS_W1C);
        clearPendingIfIdle();
    }

    public int readControl() {
        return faultControl;
    }

    public void writeControl(int value) {
        boolean wasMasked = (faultControl & FECTL_IM) != 0;
        faultControl = (faultControl & ~FECTL_IM) | (value & FECTL_IM);
        if (wasMasked && (faultControl & FECTL_IM) == 0 && (faultControl & FECTL_IP) != 0) {
            faultControl &= ~FECTL_IP;
            events++;
        }
    }

    private void clearPendingIfIdle() {
        if ((readStatus() & (FSTS_PPF | FSTS_PFO | FSTS_IQE | FSTS_ICE | FSTS_ITE)) == 0) {
            faultControl &= ~FECTL_IP;
        }
    }

    public int eventData() {
        return eventData;
    }

    public void setEventData(int v) {
        eventData = v;
    }

    public int eventAddress() {
        return eventAddress;
    }

    public void setEventAddress(int v) {
        eventAddress = v & ~3;
    }

    public int eventUpperAddress() {
        return eventUpperAddress;
    }

    public void setEventUpperAddress(int v) {
        eventUpperAddress = v;
    }

    /** Reads qword {@code word} (0 low, 1 high) of fault recording register {@code index}. */
    public long readRecord(int index, int word) {
        return records[2 * index + word];
    }

    /** A write to the high qword of a record: F is RW1C, every other bit read-only. */
    public void writeRecordHigh(int index, long value) {
        if (Bits.bit(value, FRCD_HI_F)) {
            records[2 * index + 1] = Bits.withBit(records[2 * index + 1], FRCD_HI_F, false);
            clearPendingIfIdle();
        }
    }

    public int recordCount() {
        return count;
    }

    public long recorded() {
        return recorded;
    }

    public long overflowed() {
        return overflowed;
    }

    public long suppressed() {
        return suppressed;
    }

    public long events() {
        return events;
    }
}
