package org.iommusim.smmu.v3.command;

import org.iommusim.core.memory.AccessPurpose;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.smmu.v3.registers.ControlFields;
import org.iommusim.smmu.v3.registers.GlobalErrors;
import org.iommusim.smmu.v3.registers.QueuePointers;

/**
 * The command queue (IHI 0070 3.5, 4.1; CMDQ_BASE/PROD/CONS 6.3.26-6.3.28, 7.1): while CR0.CMDQEN is set
 * and no command error is active, the SMMU consumes the commands between CONS and PROD. A command that
 * is illegal (CERROR_ILL) or cannot be read (CERROR_ABT) stops consumption with CONS on it: CMDQ_CONS.ERR
 * is written, then GERROR.CMDQ_ERR toggles, and nothing more is consumed until software acknowledges
 * through GERRORN.
 */
public final class CommandQueue {
    public static final int ENTRY_SIZE = 16;

    private final PhysicalMemory memory;
    private final GlobalErrors errors;
    private final CommandProcessor processor;
    private final int maxLog2Size;
    private long base;
    private int prod;
    private int cons;
    private long consumed;
    private long errorsRaised;

    public CommandQueue(PhysicalMemory memory, GlobalErrors errors, CommandProcessor processor, int maxLog2Size) {
        this.memory = memory;
        this.errors = errors;
        this.processor = processor;
        this.maxLog2Size = maxLog2Size;
    }

    public long base() {
        return base;
    }

    public int prod() {
        return prod;
    }

    public int cons() {
        return cons;
    }

    /** CMDQ_BASE is writable only while the queue is disabled. */
    public void writeBase(long value, boolean enabled) {
        if (!enabled) {
            base = value & ControlFields.QUEUE_BASE_MASK;
        }
    }

    public void writeProd(int value) {
        prod = value & ControlFields.QUEUE_POINTER_MASK;
    }

    /** CMDQ_CONS is writable only while the queue is disabled. */
    public void writeCons(int value, boolean enabled) {
        if (!enabled) {
            cons = value & (ControlFields.QUEUE_POINTER_MASK | ControlFields.CMDQ_CONS_ERR_MASK);
        }
    }

    public int log2Size() {
        return Math.min((int) (base & 0x1F), maxLog2Size);
    }

    /** Consumes commands up to PROD, or to the first failing one. */
    public void process(boolean enabled) {
        if (!enabled || errors.active(ControlFields.GERROR_CMDQ_ERR)) {
            return;
        }
        int log2 = log2Size();
        long queueBase = base & ControlFields.QUEUE_BASE_ADDR_MASK & -(1L << Math.max(5, log2 + 4));
        int limit = 2 << log2; // a full lap at most: PROD cannot be further ahead
        while (!QueuePointers.empty(prod, cons, log2) && limit-- > 0) {
            long address = queueBase + (long) QueuePointers.index(cons, log2) * ENTRY_SIZE;
            int error;
            if (!memory.inRange(address, ENTRY_SIZE)) {
                error = CommandProcessor.CERROR_ABT;
            } else {
                long dw0 = memory.read64(address, AccessPurpose.QUEUE);
                long dw1 = memory.read64(address + 8, AccessPurpose.QUEUE);
                error = processor.execute(new Command(dw0, dw1));
            }
            if (error != CommandProcessor.CERROR_NONE) {
                cons = (cons & ~ControlFields.CMDQ_CONS_ERR_MASK) | (error << ControlFields.CMDQ_CONS_ERR_SHIFT);
                errors.raise(ControlFields.GERROR_CMDQ_ERR);
                errorsRaised++;
                return;
            }
            cons = (cons & ControlFields.CMDQ_CONS_ERR_MASK) | QueuePointers.increment(cons, log2);
            consumed++;
        }
    }

    public long consumed() {
        return consumed;
    }

    public long errorsRaised() {
        return errorsRaised;
    }
}
