package org.iommusim.smmu.v3.ste;

import org.iommusim.core.bits.Bits;
import org.iommusim.core.memory.AccessPurpose;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.smmu.v3.event.EventType;
import org.iommusim.smmu.v3.registers.ControlFields;
import org.iommusim.smmu.v3.registers.IdRegisters;

/**
 * Finds a StreamID's STE (IHI 0070 3.3.1, 5.1; STRTAB_BASE 6.3.24, STRTAB_BASE_CFG 6.3.25). A linear
 * table holds 2^LOG2SIZE STEs of 64 bytes; a 2-level table holds Level-1 descriptors (L1STD: Span[4:0],
 * L2Ptr[55:6]) indexed by StreamID[LOG2SIZE-1:SPLIT], each pointing at 2^(Span-1) STEs indexed by
 * StreamID[SPLIT-1:0]. LOG2SIZE is capped at IDR1.SIDSIZE; a StreamID beyond the table, an L1STD with
 * Span 0 (or a reserved Span) or a StreamID beyond the Span is C_BAD_STREAMID; an address that does not
 * exist is F_STE_FETCH.
 */
public final class StreamTable {
    public static final int STE_SIZE = 64;
    public static final int FMT_LINEAR = 0;
    public static final int FMT_2LEVEL = 1;
    /** Span values above this are reserved and behave as 0. */
    public static final int MAX_SPAN = 11;

    private StreamTable() {
    }

    /**
     * The result of locating an STE.
     *
     * @param event        0 when found, else C_BAD_STREAMID or F_STE_FETCH
     * @param address      the STE address when found, the failing fetch address for F_STE_FETCH
     * @param l1Descriptor the L1STD used (2-level), for the configuration cache
     */
    public record Location(int event, long address, long l1Descriptor) {
        public boolean found() {
            return event == 0;
        }
    }

    /** Effective LOG2SIZE: the programmed value capped at IDR1.SIDSIZE. */
    public static int log2Size(int strtabBaseCfg, IdRegisters id) {
        return Math.min((int) Bits.field(strtabBaseCfg, 5, 0), id.sidSize());
    }

    public static int format(int strtabBaseCfg, IdRegisters id) {
        int fmt = (int) Bits.field(strtabBaseCfg, 17, 16);
        return fmt == FMT_2LEVEL && id.stLevel() == 1 ? FMT_2LEVEL : FMT_LINEAR;
    }

    /** SPLIT: 6, 8 or 10; any other value behaves as 6. */
    public static int split(int strtabBaseCfg) {
        int split = (int) Bits.field(strtabBaseCfg, 10, 6);
        return split == 8 || split == 10 ? split : 6;
    }

    public static Location locate(PhysicalMemory memory, long strtabBase, int strtabBaseCfg, IdRegisters id,
                                  int streamId) {
        int log2 = log2Size(strtabBaseCfg, id);
        long sid = streamId & 0xFFFF_FFFFL;
        if ((sid >>> log2) != 0) {
            return new Location(EventType.C_BAD_STREAMID, 0, 0);
        }
        long base = strtabBase & ControlFields.STRTAB_BASE_ADDR_MASK;
        if (format(strtabBaseCfg, id) == FMT_LINEAR) {
            long address = (base & -(1L << Math.max(6, log2 + 6))) + sid * STE_SIZE;
            return inRange(memory, address, STE_SIZE, 0);
        }
        int split = split(strtabBaseCfg);
        int l1Bits = Math.max(0, log2 - split);
        long l1Base = base & -(1L << Math.max(6, l1Bits + 3));
        long l1Address = l1Base + (sid >>> split) * 8;
        if (!memory.inRange(l1Address, 8)) {
            return new Location(EventType.F_STE_FETCH, l1Address, 0);
        }
        long l1 = memory.read64(l1Address, AccessPurpose.CONFIG_FETCH);
        int span = (int) Bits.field(l1, 4, 0);
        if (span == 0 || span > MAX_SPAN || span > split + 1) {
            return new Location(EventType.C_BAD_STREAMID, 0, l1);
        }
        long index = sid & ((1L << split) - 1);
        if ((index >>> (span - 1)) != 0) {
            return new Location(EventType.C_BAD_STREAMID, 0, l1);
        }
        long l2Ptr = Bits.extract(l1, 51, 6) & -(64L << (span - 1));
        return inRange(memory, l2Ptr + index * STE_SIZE, STE_SIZE, l1);
    }

    private static Location inRange(PhysicalMemory memory, long address, int size, long l1) {
        if (!memory.inRange(address, size)) {
            return new Location(EventType.F_STE_FETCH, address, l1);
        }
        return new Location(0, address, l1);
    }

    /** Reads the four words of an STE the model uses (one 64-byte configuration fetch). */
    public static StreamTableEntry read(PhysicalMemory memory, long address) {
        byte[] raw = new byte[STE_SIZE];
        memory.readBytes(address, raw, 0, STE_SIZE, AccessPurpose.CONFIG_FETCH);
        return new StreamTableEntry(word(raw, 0), word(raw, 1), word(raw, 2), word(raw, 3));
    }

    static long word(byte[] raw, int i) {
        long v = 0;
        for (int b = 7; b >= 0; b--) {
            v = (v << 8) | (raw[i * 8 + b] & 0xFF);
        }
        return v;
    }

    /** An L1STD pointing at {@code l2} with {@code span} (encoders for drivers). */
    public static long l1Descriptor(long l2, int span) {
        return Bits.extract(l2, 51, 6) | (span & 0x1F);
    }
}
