package org.iommusim.smmu.v3.registers;

/**
 * Circular-queue index arithmetic shared by the command, event and PRI queues (IHI 0070 3.5.1, 7.4): a
 * pointer holds the index in its low LOG2SIZE bits and the wrap flag in the next bit. The queue is empty
 * when both pointers are equal, full when the indices are equal and the wrap flags differ.
 */
public final class QueuePointers {
    private QueuePointers() {
    }

    /** The index and wrap bits of a pointer register (everything above them ignored). */
    public static int pointer(int register, int log2Size) {
        return register & ((2 << log2Size) - 1);
    }

    public static int index(int pointer, int log2Size) {
        return pointer & ((1 << log2Size) - 1);
    }

    public static boolean empty(int prod, int cons, int log2Size) {
        return pointer(prod, log2Size) == pointer(cons, log2Size);
    }

    public static boolean full(int prod, int cons, int log2Size) {
        int p = pointer(prod, log2Size);
        int c = pointer(cons, log2Size);
        return (p ^ c) == (1 << log2Size);
    }

    /** The pointer after one more entry (wrapping the index and toggling the wrap bit). */
    public static int increment(int pointer, int log2Size) {
        return (pointer(pointer, log2Size) + 1) & ((2 << log2Size) - 1);
    }
}
