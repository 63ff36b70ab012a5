package org.iommusim.smmu.v3.translation;

import org.iommusim.core.memory.AccessPurpose;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.walk.PageTableFormat;
import org.iommusim.core.walk.WalkResult;
import org.iommusim.core.walk.WalkTrace;
import org.iommusim.core.walk.Walker;
import org.iommusim.smmu.v3.cache.Stage2Leaf;
import org.iommusim.smmu.v3.cache.WalkCache;
import org.iommusim.smmu.v3.cache.WalkCacheEntry;
import org.iommusim.smmu.v3.event.EventType;
import org.iommusim.smmu.v3.registers.IdRegisters;
import org.iommusim.smmu.v3.ste.Stage2Config;
import org.iommusim.smmu.vmsa.BigEndianFormat;
import org.iommusim.smmu.vmsa.VmsaDescriptor;
import org.iommusim.smmu.vmsa.VmsaFormat;
import org.iommusim.smmu.vmsa.VmsaPermissions;

/**
 * Stage-2 translation of one IPA (IHI 0070 3.3.2, 5.2; Arm ARM D8): the input-size check, the IPA
 * cache, the walk (from the deepest stage-2 walk-cache entry), F_WALK_EABT / F_TRANSLATION /
 * F_ADDR_SIZE, the access flag (S2AFFD, S2HA), S2AP and XN, S2PTW for structure fetches, and the dirty
 * state (S2HD). The outcome of the last call is kept in this object (the model is single-threaded), so a
 * successful lookup allocates nothing.
 */
final class Stage2Walk {
    private final PhysicalMemory memory;
    private final IdRegisters id;
    private final Caches caches;
    private WalkTrace trace = WalkTrace.NONE;
    private long walks;

    private int event;
    private int level;
    private long fetchAddress;
    private Stage2Leaf leaf;
    /**
     * Walk arrays reused by every walk (a walk's result is used only before {@link #translate} returns),
     * longer than any VMSAv8-64 walk (at most five steps, from level -1).
     */
    private final long[] entries = new long[8];
    private final long[] addresses = new long[8];

    Stage2Walk(PhysicalMemory memory, IdRegisters id, Caches caches) {
        this.memory = memory;
        this.id = id;
        this.caches = caches;
    }

    void setTrace(WalkTrace trace) {
        this.trace = trace;
    }

    /** The leaf of the last successful translation. */
    Stage2Leaf leaf() {
        return leaf;
    }

    /** The event number of the last failed translation. */
    int event() {
        return event;
    }

    /** The level at which the last failed translation stopped. */
    int level() {
        return level;
    }

    /** The descriptor address that could not be read, for F_WALK_EABT. */
    long fetchAddress() {
        return fetchAddress;
    }

    long walks() {
        return walks;
    }

    /**
     * Translates one IPA through stage 2 for {@code request}: sets {@link #leaf()} and returns true, or
     * sets {@link #event()}, {@link #level()} and {@link #fetchAddress()} and returns false.
     *
     * @param structure the IPA is a CD-table or stage-1 table address (read access), not the output
     */
    boolean translate(Stage2Config s2, long ipa, TranslationRequest request, boolean structure) {
        return translate(s2, ipa, structure ? Access.READ : request.access(), request.privileged(), structure);
    }

    /**
     * Translates one IPA for an explicit access: a structure write is the SMMU updating a stage-1
     * descriptor (HTTU), which needs stage-2 write permission on the table's page.
     */
    boolean translate(Stage2Config s2, long ipa, Access access, boolean priv, boolean structure) {
        VmsaFormat f = s2.format();
        if (!f.inputFits(ipa)) {
            event = EventType.F_TRANSLATION;
            level = f.startLevel();
            return false;
        }
        int[] sizes = Translator.GRANULE_SIZES[f.granule().ordinal()];
        Stage2Leaf cached = caches.ipa.lookup(s2.vmid(), ipa, sizes);
        if (cached != null && permits(s2, cached.descriptor(), access, priv, structure)
                && !(access == Access.WRITE && VmsaDescriptor.stage2WritableClean(cached.descriptor()))) {
            leaf = cached;
            return true;
        }
        walks++;
        PageTableFormat wf = s2.walkFormat();
        long tag = WalkCache.tag(2, s2.vmid(), 0, 0, f.granule().pageShift());
        WalkCacheEntry start = caches.stage2Walk.lookup(tag, f, ipa);
        WalkResult w = Walker.walkFrom(memory, wf, start == null ? 0 : start.level() - f.startLevel(),
                start == null ? s2.ttb() : start.table(), ipa, 2, trace, entries, addresses);
        if (!w.ok()) {
            level = w.level();
            fetchAddress = w.address();
            event = failure(f, w, s2.value(w.lastEntry()));
            return false;
        }
        if (caches.stage2Walk.enabled()) {
            caches.stage2Walk.fill(tag, f, ipa, w.entries(), w.firstStep(), w.step(), 0,
                    e -> wf.nextTable(e, 0), e -> 0);
        }
        long d = s2.value(w.lastEntry());
        long entryAddress = w.entryAddresses()[w.step()];
        if (!VmsaDescriptor.accessFlag(d)) {
            if (s2.ha()) {
                d = update(memory, entryAddress, d, VmsaDescriptor.withAccessFlag(d), s2.bigEndian());
            } else if (!s2.affd()) {
                event = EventType.F_ACCESS;
                level = w.level();
                return false;
            }
        }
        if (!permits(s2, d, access, priv, structure)) {
            event = EventType.F_PERMISSION;
            level = w.level();
            return false;
        }
        if (access == Access.WRITE && s2.hd() && VmsaDescriptor.stage2WritableClean(d)) {
            d = update(memory, entryAddress, d, VmsaDescriptor.stage2MarkDirty(d), s2.bigEndian());
        }
        int log2 = Long.numberOfTrailingZeros(w.pageSize());
        leaf = new Stage2Leaf(s2.vmid(), ipa & -w.pageSize(), w.address(), log2, w.level(), d);
        caches.ipa.fill(leaf);
        return true;
    }

    private boolean permits(Stage2Config s2, long d, Access access, boolean priv, boolean structure) {
        if (structure && s2.ptw() && (d & (0b1100L << VmsaDescriptor.MEM_ATTR_LO)) == 0) {
            return false; // S2PTW: a table or CD fetch from stage-2 Device memory
        }
        int perms = VmsaPermissions.stage2(d, priv, s2.hd(), id.xnx());
        return (perms & access.permission()) != 0;
    }

    /** Hardware update of a descriptor (AF or dirty state): a compare-and-swap, as HTTU does. */
    static long update(PhysicalMemory memory, long address, long expected, long value, boolean bigEndian) {
        long e = bigEndian ? BigEndianFormat.stored(expected) : expected;
        long v = bigEndian ? BigEndianFormat.stored(value) : value;
        memory.compareAndSet64(address, e, v, AccessPurpose.PAGE_WALK);
        return value;
    }

    /** The event of a failed walk; {@code entry} is the failing descriptor's value. */
    static int failure(VmsaFormat f, WalkResult w, long entry) {
        return switch (w.status()) {
            case ABORT -> EventType.F_WALK_EABT;
            case RESERVED -> f.addressSizeFault(entry, w.step()) ? EventType.F_ADDR_SIZE
                    : EventType.F_TRANSLATION;
            default -> EventType.F_TRANSLATION;
        };
    }
}
