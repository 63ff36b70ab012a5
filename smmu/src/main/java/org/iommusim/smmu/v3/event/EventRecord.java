package org.iommusim.smmu.v3.event;

/**
 * One 32-byte event record (IHI 0070 7.3): dw0 event number [7:0], SSV [11], SubstreamID [31:12],
 * StreamID [63:32]; dw1 Reason/STAG [15:0], Stall [31], PnU [33], InD [34], RnW [35], S2 [39], CLASS [41:40],
 * TTRnW [44] (F_PERMISSION with CLASS=TT); dw2 InputAddr; dw3 IPA [55:12] for translation faults or FetchAddr [55:3] for fetch
 * aborts.
 *
 * @param type      event number ({@link EventType})
 * @param streamId  the StreamID
 * @param ssid      the SubstreamID, or -1 when the transaction had none (SSV=0)
 * @param input     InputAddr (0 where the event has none)
 * @param address3  the dw3 address: the IPA of a stage-2 fault or the fetch address (0 when none)
 * @param fetch     dw3 holds a FetchAddr (F_STE_FETCH, F_CD_FETCH, F_WALK_EABT) rather than an IPA
 * @param read      RnW
 * @param instr     InD
 * @param priv      PnU
 * @param stage2    S2: a stage-2 fault
 * @param clazz     CLASS: 0 CD, 1 TT, 2 IN
 * @param ttWrite   TTRnW = 0: a CLASS=TT fault on the SMMU's write of a table entry (a hardware update);
 *                  TTRnW is 1 for every other CLASS=TT fault
 * @param stall     Stall: the transaction is held; {@code reason} is then its STAG
 * @param reason    the IMPDEF reason field of fetch events (0), or the STAG of a stalled transaction
 */
public record EventRecord(int type, int streamId, int ssid, long input, long address3, boolean fetch,
                          boolean read, boolean instr, boolean priv, boolean stage2, int clazz, boolean ttWrite,
                          boolean stall, int reason) {
    public static final int CLASS_CD = 0;
    public static final int CLASS_TT = 1;
    public static final int CLASS_IN = 2;

    /** A configuration event that carries only the stream and substream. */
    public static EventRecord config(int type, int streamId, int ssid) {
        return new EventRecord(type, streamId, ssid, 0, 0, false, false, false, false, false, 0, false, false, 0);
    }

    /** A fetch-abort event with its fetch address. */
    public static EventRecord fetchAbort(int type, int streamId, int ssid, long fetchAddress) {
        return new EventRecord(type, streamId, ssid, 0, fetchAddress, true, false, false, false, false, 0, false,
                false, 0);
    }

    public long dw0() {
        long v = type & 0xFFL;
        if (ssid >= 0) {
            // C_BAD_SUBSTREAMID has no SSV: its SubstreamID field is always valid (7.3.8)
            if (type != EventType.C_BAD_SUBSTREAMID) {
                v |= 1L << 11;
            }
            v |= (long) (ssid & 0xFFFFF) << 12;
        }
        return v | ((streamId & 0xFFFF_FFFFL) << 32);
    }

    public long dw1() {
        long v = reason & 0xFFFFL;
        if (stall) {
            v |= 1L << 31;
        }
        if (priv) {
            v |= 1L << 33;
        }
        if (instr) {
            v |= 1L << 34;
        }
        if (read) {
            v |= 1L << 35;
        }
        if (stage2) {
            v |= 1L << 39;
        }
        if (type == EventType.F_PERMISSION && clazz == CLASS_TT && !ttWrite) {
            v |= 1L << 44;
        }
        return v | ((long) (clazz & 3) << 40);
    }

    public long dw2() {
        return input;
    }

    public long dw3() {
        long mask = fetch ? 0x00FF_FFFF_FFFF_FFF8L : 0x00FF_FFFF_FFFF_F000L;
        return address3 & mask;
    }
}
