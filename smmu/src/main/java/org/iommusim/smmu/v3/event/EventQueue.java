package org.iommusim.smmu.v3.event;

import org.iommusim.core.memory.AccessPurpose;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.smmu.v3.registers.ControlFields;
import org.iommusim.smmu.v3.registers.GlobalErrors;
import org.iommusim.smmu.v3.registers.QueuePointers;

/**
 * The event queue (IHI 0070 7.2, 7.4; registers 6.3.26-6.3.28): EVENTQ_BASE, EVENTQ_PROD (page 1, with
 * OVFLG) and EVENTQ_CONS (page 1, with OVACKFLG). The SMMU writes 32-byte records at PROD while the queue
 * is enabled and not full. A record that finds the queue full is discarded and toggles PROD.OVFLG,
 * unless an overflow is already signalled (OVFLG != OVACKFLG); an unconsumed record is never
 * overwritten. A record whose address does not exist raises GERROR.EVENTQ_ABT_ERR; while that error is
 * active nothing is written.
 */
public final class EventQueue {
    public static final int RECORD_SIZE = 32;

    private final PhysicalMemory memory;
    private final GlobalErrors errors;
    private final int maxLog2Size;
    private long base;
    private int prod;
    private int cons;
    private long recorded;
    private long discarded;

    public EventQueue(PhysicalMemory memory, GlobalErrors errors, int maxLog2Size) {
        this.memory = memory;
        this.errors = errors;
        this.maxLog2Size = maxLog2Size;
    }

    public long base() {
        return base;
    }

    public void writeBase(long value) {
        base = value & ControlFields.QUEUE_BASE_MASK;
    }

    public int prod() {
        return prod;
    }

    public int cons() {
        return cons;
    }

    /** Software may write PROD only while the queue is disabled (the SMMU owns it otherwise). */
    public void writeProd(int value, boolean enabled) {
        if (!enabled) {
            prod = value & (ControlFields.QUEUE_POINTER_MASK | ControlFields.QUEUE_OVERFLOW);
        }
    }

    public void writeCons(int value) {
        cons = value & (ControlFields.QUEUE_POINTER_MASK | ControlFields.QUEUE_OVERFLOW);
    }

    /** LOG2SIZE in use: the programmed value capped at IDR1.EVENTQS. */
    public int log2Size() {
        return Math.min((int) (base & 0x1F), maxLog2Size);
    }

    public boolean overflowed() {
        return ((prod ^ cons) & ControlFields.QUEUE_OVERFLOW) != 0;
    }

    /**
     * Offers a record.
     *
     * @return true when it was written
     */
    public boolean record(EventRecord r, boolean enabled) {
        if (!enabled || errors.active(ControlFields.GERROR_EVENTQ_ABT_ERR)) {
            discarded++;
            return false;
        }
        int log2 = log2Size();
        if (QueuePointers.full(prod, cons, log2)) {
            if (!overflowed()) {
                prod ^= ControlFields.QUEUE_OVERFLOW;
            }
            discarded++;
            return false;
        }
        long address = (base & ControlFields.QUEUE_BASE_ADDR_MASK & -(1L << Math.max(5, log2 + 5)))
                + (long) QueuePointers.index(prod, log2) * RECORD_SIZE;
        if (!memory.inRange(address, RECORD_SIZE)) {
            errors.raise(ControlFields.GERROR_EVENTQ_ABT_ERR);
            discarded++;
            return false;
        }
        memory.write64(address, r.dw0(), AccessPurpose.QUEUE);
        memory.write64(address + 8, r.dw1(), AccessPurpose.QUEUE);
        memory.write64(address + 16, r.dw2(), AccessPurpose.QUEUE);
        memory.write64(address + 24, r.dw3(), AccessPurpose.QUEUE);
        prod = (prod & ControlFields.QUEUE_OVERFLOW) | QueuePointers.increment(prod, log2);
        recorded++;
        return true;
    }

    public long recorded() {
        return recorded;
    }

    public long discarded() {
        return discarded;
    }
}
