package org.iommusim.core.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.EnumMap;
import java.util.Map;

import org.eclipse.collections.impl.map.mutable.primitive.LongObjectHashMap;

/**
 * A sparse host-physical address space: frames of 4 KiB are allocated on first write, and everything
 * never written reads as zero. All multi-byte accessors are little-endian, as both x86 and the Arm
 * SMMU tables are. Frames in the first 16 GiB are found by index (the fast case for page tables), the
 * others through a hash map.
 *
 * <p>The size is {@code 2^addressBits} bytes. An address at or beyond it does not exist: callers that
 * act for hardware check {@link #inRange} first and turn a miss into the specification's external
 * abort (a VT-d fetch fault, an SMMU F_WALK_EABT ...). The accessors themselves reject such an address
 * with {@link IndexOutOfBoundsException}, which is a bug in the calling model, never a guest's doing.
 *
 * <p>Every access made with an {@link AccessPurpose} is counted, so a walk can be costed in memory
 * references. Software accesses (scripts, drivers) use the uncounted {@link AccessPurpose#SOFTWARE}.
 */
public final class PhysicalMemory {
    public static final int FRAME_SHIFT = 12;
    public static final int FRAME_SIZE = 1 << FRAME_SHIFT;
    private static final long FRAME_MASK = FRAME_SIZE - 1;
    public static final int DEFAULT_ADDRESS_BITS = 52;
    public static final int MIN_ADDRESS_BITS = 32;
    public static final int MAX_ADDRESS_BITS = 64;
    /**
     * Frames below this number (the first 16 GiB) are found by index, the others by hash. The bound keeps
     * the index array at most 2^22 references (16 MiB with compressed references).
     */
    public static final long DIRECT_FRAMES = 1L << 22;
    private static final int DIRECT_MIN_LENGTH = 1 << 12;

    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_LE =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    private final int addressBits;
    /** Highest valid address; unsigned compare. */
    private final long lastAddress;
    /**
     * Frames below {@link #DIRECT_FRAMES}, indexed by frame number: a page walk's reference costs one load
     * to find its frame, which is what keeps a cold walk near the cost of its dependent loads
     * (docs/performance.md). The array grows (powers of two) to cover the highest frame written, so a
     * memory used only low costs little; frames are never freed.
     */
    private byte[][] direct = new byte[0][];
    private int directFrames;
    /** Frames at and above {@link #DIRECT_FRAMES}, hashed. */
    private final LongObjectHashMap<byte[]> frames = new LongObjectHashMap<>();
    /**
     * A direct-mapped memo of recently used hashed frames: two array loads are cheaper than a hash
     * probe. Frames are never freed, so an entry never goes stale; absent frames are not remembered.
     */
    private static final int RECENT_SHIFT = 52;
    private static final int RECENT = 1 << (64 - RECENT_SHIFT);
    private final long[] recentNumbers = new long[RECENT];
    private final byte[][] recentFrames = new byte[RECENT][];
    private final long[] references = new long[AccessPurpose.values().length];

    public PhysicalMemory() {
        this(DEFAULT_ADDRESS_BITS);
    }

    public PhysicalMemory(int addressBits) {
        if (addressBits < MIN_ADDRESS_BITS || addressBits > MAX_ADDRESS_BITS) {
            throw new IllegalArgumentException("addressBits must be 32..64, got " + addressBits);
        }
        this.addressBits = addressBits;
        this.lastAddress = addressBits == 64 ? -1L : (1L << addressBits) - 1;
        java.util.Arrays.fill(recentNumbers, -1L); // no frame number: they are below 2^52
    }

    public int addressBits() {
        return addressBits;
    }

    /** True when every byte of {@code [address, address + length)} exists. */
    public boolean inRange(long address, long length) {
        if (length <= 0) {
            return length == 0 && Long.compareUnsigned(address, lastAddress) <= 0;
        }
        long end = address + length - 1;
        return Long.compareUnsigned(address, lastAddress) <= 0
                && Long.compareUnsigned(end, lastAddress) <= 0
                && Long.compareUnsigned(end, address) >= 0;
    }

    /**
     * {@link #inRange}{@code (address, 8)} in one compare: whether an 8-byte entry at {@code address}
     * exists (the walkers' check before {@link #readEntry}).
     */
    public boolean entryInRange(long address) {
        return Long.compareUnsigned(address, lastAddress - 7) <= 0;
    }

    // ---- counted accessors (hardware) ----

    public long read64(long address, AccessPurpose purpose) {
        references[purpose.ordinal()]++;
        return read64(address);
    }

    /**
     * A counted read of one naturally aligned 8-byte entry (a page-table entry, a descriptor word) whose
     * address the caller has already found {@link #inRange}: the walkers' hot path, which skips the
     * second range check. An address that is not 8-byte aligned takes the general path.
     */
    public long readEntry(long address, AccessPurpose purpose) {
        references[purpose.ordinal()]++;
        if ((address & 7) != 0) {
            return read64(address);
        }
        byte[] f = existingFrame(address >>> FRAME_SHIFT);
        return f == null ? 0 : (long) LONG_LE.get(f, (int) (address & FRAME_MASK));
    }

    public int read32(long address, AccessPurpose purpose) {
        references[purpose.ordinal()]++;
        return read32(address);
    }

    public void write64(long address, long value, AccessPurpose purpose) {
        references[purpose.ordinal()]++;
        write64(address, value);
    }

    public void write32(long address, int value, AccessPurpose purpose) {
        references[purpose.ordinal()]++;
        write32(address, value);
    }

    /**
     * Compare-and-set of a 64-bit entry, as hardware does for accessed/dirty updates: the write happens
     * only when the entry still holds {@code expected}. Counted as one reference (the locked update).
     */
    public boolean compareAndSet64(long address, long expected, long value, AccessPurpose purpose) {
        references[purpose.ordinal()]++;
        if (read64(address) != expected) {
            return false;
        }
        write64(address, value);
        return true;
    }

    public void readBytes(long address, byte[] dst, int offset, int length, AccessPurpose purpose) {
        references[purpose.ordinal()]++;
        readBytes(address, dst, offset, length);
    }

    public void writeBytes(long address, byte[] src, int offset, int length, AccessPurpose purpose) {
        references[purpose.ordinal()]++;
        writeBytes(address, src, offset, length);
    }

    /** References made so far for one purpose. */
    public long references(AccessPurpose purpose) {
        return references[purpose.ordinal()];
    }

    public Map<AccessPurpose, Long> references() {
        Map<AccessPurpose, Long> m = new EnumMap<>(AccessPurpose.class);
        for (AccessPurpose p : AccessPurpose.values()) {
            m.put(p, references[p.ordinal()]);
        }
        return m;
    }

    public void resetReferenceCounts() {
        java.util.Arrays.fill(references, 0);
    }

    // ---- uncounted accessors (software) ----

    public long read64(long address) {
        check(address, 8);
        if ((address & FRAME_MASK) <= FRAME_SIZE - 8) {
            byte[] f = existingFrame(address >>> FRAME_SHIFT);
            return f == null ? 0 : (long) LONG_LE.get(f, (int) (address & FRAME_MASK));
        }
        return readSlow(address, 8);
    }

    public int read32(long address) {
        check(address, 4);
        if ((address & FRAME_MASK) <= FRAME_SIZE - 4) {
            byte[] f = existingFrame(address >>> FRAME_SHIFT);
            return f == null ? 0 : (int) INT_LE.get(f, (int) (address & FRAME_MASK));
        }
        return (int) readSlow(address, 4);
    }

    public short read16(long address) {
        check(address, 2);
        if ((address & FRAME_MASK) <= FRAME_SIZE - 2) {
            byte[] f = existingFrame(address >>> FRAME_SHIFT);
            return f == null ? 0 : (short) SHORT_LE.get(f, (int) (address & FRAME_MASK));
        }
        return (short) readSlow(address, 2);
    }

    public byte read8(long address) {
        check(address, 1);
        byte[] f = existingFrame(address >>> FRAME_SHIFT);
        return f == null ? 0 : f[(int) (address & FRAME_MASK)];
    }

    public void write64(long address, long value) {
        check(address, 8);
        if ((address & FRAME_MASK) <= FRAME_SIZE - 8) {
            LONG_LE.set(frame(address), (int) (address & FRAME_MASK), value);
        } else {
            writeSlow(address, value, 8);
        }
    }

    public void write32(long address, int value) {
        check(address, 4);
        if ((address & FRAME_MASK) <= FRAME_SIZE - 4) {
            INT_LE.set(frame(address), (int) (address & FRAME_MASK), value);
        } else {
            writeSlow(address, value, 4);
        }
    }

    public void write16(long address, short value) {
        check(address, 2);
        if ((address & FRAME_MASK) <= FRAME_SIZE - 2) {
            SHORT_LE.set(frame(address), (int) (address & FRAME_MASK), value);
        } else {
            writeSlow(address, value, 2);
        }
    }

    public void write8(long address, byte value) {
        check(address, 1);
        frame(address)[(int) (address & FRAME_MASK)] = value;
    }

    public void readBytes(long address, byte[] dst, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, dst.length);
        check(address, length);
        int done = 0;
        while (done < length) {
            long a = address + done;
            int inFrame = (int) Math.min(length - done, FRAME_SIZE - (a & FRAME_MASK));
            byte[] f = existingFrame(a >>> FRAME_SHIFT);
            if (f == null) {
                java.util.Arrays.fill(dst, offset + done, offset + done + inFrame, (byte) 0);
            } else {
                System.arraycopy(f, (int) (a & FRAME_MASK), dst, offset + done, inFrame);
            }
            done += inFrame;
        }
    }

    public void writeBytes(long address, byte[] src, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, src.length);
        check(address, length);
        int done = 0;
        while (done < length) {
            long a = address + done;
            int inFrame = (int) Math.min(length - done, FRAME_SIZE - (a & FRAME_MASK));
            System.arraycopy(src, offset + done, frame(a), (int) (a & FRAME_MASK), inFrame);
            done += inFrame;
        }
    }

    /** Number of 4 KiB frames that have been written to (the simulator's own footprint). */
    public int allocatedFrames() {
        return directFrames + frames.size();
    }

    /**
     * The numbers of every frame written so far, ascending: what an isolation check compares before and
     * after a run (a frame that appears outside the memory a device may reach was written by it).
     */
    public long[] frameNumbers() {
        long[] numbers = new long[allocatedFrames()];
        int n = 0;
        for (int i = 0; i < direct.length; i++) {
            if (direct[i] != null) {
                numbers[n++] = i;
            }
        }
        for (long fn : frames.keySet().toSortedArray()) {
            numbers[n++] = fn;
        }
        return numbers;
    }

    /** The frame, or null when it has never been written. */
    private byte[] existingFrame(long fn) {
        byte[][] d = direct;
        if (fn < d.length) { // frame numbers are below 2^52: never negative
            return d[(int) fn];
        }
        if (fn < DIRECT_FRAMES) {
            return null; // below the bound but above every frame written there
        }
        // a multiplicative hash: table frames of different regions often share their low bits
        int i = (int) ((fn * 0x9E37_79B9_7F4A_7C15L) >>> RECENT_SHIFT);
        if (recentNumbers[i] == fn) {
            return recentFrames[i];
        }
        byte[] f = frames.get(fn);
        if (f != null) {
            recentNumbers[i] = fn;
            recentFrames[i] = f;
        }
        return f;
    }

    private byte[] frame(long address) {
        long fn = address >>> FRAME_SHIFT;
        byte[] f = existingFrame(fn);
        if (f == null) {
            f = new byte[FRAME_SIZE];
            if (fn < DIRECT_FRAMES) {
                if (fn >= direct.length) {
                    int length = (int) Math.max(DIRECT_MIN_LENGTH, Long.highestOneBit(fn) << 1);
                    direct = java.util.Arrays.copyOf(direct, (int) Math.min(length, DIRECT_FRAMES));
                }
                direct[(int) fn] = f;
                directFrames++;
            } else {
                frames.put(fn, f);
            }
        }
        return f;
    }

    private long readSlow(long address, int length) {
        long v = 0;
        for (int i = length - 1; i >= 0; i--) {
            v = (v << 8) | (read8(address + i) & 0xFF);
        }
        return v;
    }

    private void writeSlow(long address, long value, int length) {
        for (int i = 0; i < length; i++) {
            write8(address + i, (byte) (value >>> (8 * i)));
        }
    }

    private void check(long address, int length) {
        if (!inRange(address, length)) {
            throw new IndexOutOfBoundsException(String.format(
                    "physical access 0x%x+%d beyond the %d-bit address space", address, length, addressBits));
        }
    }
}
