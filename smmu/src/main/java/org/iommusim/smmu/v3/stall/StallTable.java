package org.iommusim.smmu.v3.stall;

import java.util.ArrayList;
import java.util.List;

/**
 * Stalled transactions (IHI 0070 3.12.2, 4.6): a translation-related fault in a stream configured to
 * stall (CD.S for stage 1, STE.S2S for stage 2, on an SMMU whose STALL_MODEL allows it) is held with a
 * stall tag (STAG) reported in its event record, until software resumes it with CMD_RESUME (StreamID and
 * STAG) or terminates every stall of a stream with CMD_STALL_TERM. At most IDR5.STALL_MAX transactions
 * are held; a fault beyond that terminates at once.
 *
 * <p>The model's requests are synchronous, so the requester sees the fault when its transaction stalls;
 * this table keeps the SMMU's side of the protocol (tags, limits, which commands match a stall).
 */
public final class StallTable {
    /** One held transaction. */
    public record Stall(int streamId, int stag) {
    }

    private final int capacity;
    private final List<Stall> held = new ArrayList<>();
    private int nextTag;
    private long stalls;
    private long resumed;
    private long terminated;

    public StallTable(int capacity) {
        this.capacity = Math.max(1, capacity);
    }

    /** Holds a transaction of {@code streamId}; returns its STAG, or -1 when STALL_MAX are already held. */
    public int stall(int streamId) {
        if (held.size() >= capacity) {
            return -1;
        }
        int stag = nextTag;
        nextTag = (nextTag + 1) & 0xFFFF;
        held.add(new Stall(streamId, stag));
        stalls++;
        return stag;
    }

    /** CMD_RESUME: retires the stall with this StreamID and STAG; false when none matches (ignored). */
    public boolean resume(int streamId, int stag) {
        boolean removed = held.removeIf(s -> s.streamId() == streamId && s.stag() == stag);
        if (removed) {
            resumed++;
        }
        return removed;
    }

    /** CMD_STALL_TERM: retires every stall of the stream; returns how many. */
    public int terminate(int streamId) {
        int before = held.size();
        held.removeIf(s -> s.streamId() == streamId);
        int n = before - held.size();
        terminated += n;
        return n;
    }

    public int held() {
        return held.size();
    }

    public long stalls() {
        return stalls;
    }

    public long resumed() {
        return resumed;
    }

    public long terminated() {
        return terminated;
    }
}
