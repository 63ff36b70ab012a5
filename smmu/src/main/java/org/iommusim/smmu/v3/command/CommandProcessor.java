package org.iommusim.smmu.v3.command;

import java.util.function.LongPredicate;
import java.util.function.Predicate;

import org.iommusim.core.bits.Bits;
import org.iommusim.core.memory.AccessPurpose;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.smmu.v3.cache.TlbEntry;
import org.iommusim.smmu.v3.cache.Tlb;
import org.iommusim.smmu.v3.cache.WalkCache;
import org.iommusim.smmu.v3.registers.IdRegisters;
import org.iommusim.smmu.v3.stall.StallTable;
import org.iommusim.smmu.v3.translation.Caches;

/**
 * Executes commands (IHI 0070 chapter 4): validity first (an unknown opcode, a command the ID
 * registers do not allow, a reserved field set or a reserved CS value is CERROR_ILL, 4.1.2 and 7.1),
 * then its effect on the caches. Range invalidation (4.4.1.1) is accepted only with IDR3.RIL;
 * without it NUM, SCALE, TG and TTL are reserved and must be zero.
 */
public final class CommandProcessor {
    public static final int CERROR_NONE = 0;
    public static final int CERROR_ILL = 1;
    public static final int CERROR_ABT = 2;

    /** What a CMD_SYNC signals besides its MSI write. */
    public interface Completion {
        /**
         * CS=SIG_IRQ: the MSI was written when its address exists (msiAddress 0: a wired interrupt; an
         * address that does not exist: the MSI is lost, MSI_CMDQ_ABT_ERR).
         */
        void irq(long msiAddress, int msiData);

        /** CS=SIG_SEV. */
        void sev();
    }

    // dw0 fields allowed per command (opcode bits always), dw1 likewise
    private static final long SID = Bits.mask(63, 32);
    private static final long SSID = Bits.mask(31, 12);
    private static final long SSV = 1L << 11;
    private static final long VMID = Bits.mask(47, 32);
    private static final long ASID = Bits.mask(63, 48);
    private static final long NUM_SCALE = Bits.mask(16, 12) | Bits.mask(25, 20);
    private static final long LEAF = 1;
    private static final long TTL_TG = Bits.mask(11, 8);
    private static final long ADDRESS = Bits.mask(63, 12);
    private static final long IPA = Bits.mask(55, 12);

    private final IdRegisters id;
    private final Caches caches;
    private final StallTable stalls;
    private final PhysicalMemory memory;
    private final Completion completion;
    private final java.util.Map<Integer, Long> executed = new java.util.TreeMap<>();

    public CommandProcessor(IdRegisters id, Caches caches, StallTable stalls, PhysicalMemory memory,
                            Completion completion) {
        this.id = id;
        this.stalls = stalls;
        this.caches = caches;
        this.memory = memory;
        this.completion = completion;
    }

    /** Counts of executed commands by opcode. */
    public java.util.Map<Integer, Long> executed() {
        return java.util.Collections.unmodifiableMap(executed);
    }

    /** Executes one command; returns {@link #CERROR_NONE} or {@link #CERROR_ILL}. */
    public int execute(Command c) {
        if (!valid(c)) {
            return CERROR_ILL;
        }
        executed.merge(c.opcode(), 1L, Long::sum);
        switch (c.opcode()) {
            case Opcode.CFGI_STE -> caches.config.invalidateStreams(c.streamId() & 0xFFFF_FFFFL, 1);
            case Opcode.CFGI_STE_RANGE -> {
                if (c.range() == Opcode.RANGE_ALL) {
                    caches.config.invalidateAll();
                } else {
                    long span = 1L << (c.range() + 1);
                    caches.config.invalidateStreams((c.streamId() & 0xFFFF_FFFFL) & -span, span);
                }
            }
            case Opcode.CFGI_CD -> caches.config.invalidateCd(c.streamId(), c.substreamId());
            case Opcode.CFGI_CD_ALL -> caches.config.invalidateCds(c.streamId());
            case Opcode.TLBI_NH_ALL -> {
                int vmid = vmid(c);
                caches.tlb.invalidate(e -> stage1NonHyp(e) && e.vmid() == vmid);
                caches.stage1Walk.invalidateTags(t -> WalkCache.vmidOf(t) == vmid);
            }
            case Opcode.TLBI_NH_ASID -> {
                int vmid = vmid(c);
                int asid = c.asid();
                caches.tlb.invalidate(e -> stage1NonHyp(e) && e.vmid() == vmid && !e.global() && e.asid() == asid);
                caches.stage1Walk.invalidateTags(t -> WalkCache.vmidOf(t) == vmid && WalkCache.asidOf(t) == asid);
            }
            case Opcode.TLBI_NH_VA, Opcode.TLBI_NH_VAA -> {
                int vmid = vmid(c);
                boolean anyAsid = c.opcode() == Opcode.TLBI_NH_VAA;
                int asid = c.asid();
                invalidateRange(c, e -> stage1NonHyp(e) && e.vmid() == vmid
                        && (anyAsid || e.global() || e.asid() == asid),
                        t -> WalkCache.stageOf(t) == 1 && WalkCache.vmidOf(t) == vmid
                                && (anyAsid || WalkCache.asidOf(t) == asid));
            }
            case Opcode.TLBI_EL2_ALL -> caches.tlb.invalidate(e -> e.regime() == Tlb.REGIME_S1_EL2);
            case Opcode.TLBI_EL2_ASID -> caches.tlb.invalidate(e -> e.regime() == Tlb.REGIME_S1_EL2
                    && !e.global() && e.asid() == c.asid());
            case Opcode.TLBI_EL2_VA, Opcode.TLBI_EL2_VAA -> {
                boolean anyAsid = c.opcode() == Opcode.TLBI_EL2_VAA;
                invalidateRange(c, e -> e.regime() == Tlb.REGIME_S1_EL2
                        && (anyAsid || e.global() || e.asid() == c.asid()), t -> false);
            }
            case Opcode.TLBI_S12_VMALL -> {
                int vmid = vmid(c);
                caches.tlb.invalidate(e -> e.regime() != Tlb.REGIME_S1_EL2 && e.vmid() == vmid);
                caches.stage1Walk.invalidateTags(t -> WalkCache.vmidOf(t) == vmid);
                caches.stage2Walk.invalidateTags(t -> WalkCache.vmidOf(t) == vmid);
                caches.ipa.invalidate(l -> l.vmid() == vmid);
            }
            case Opcode.TLBI_S2_IPA -> {
                int vmid = vmid(c);
                long[] range = range(c, Bits.extract(c.dw1(), 55, 12));
                caches.tlb.invalidate(e -> e.regime() == Tlb.REGIME_S2 && e.vmid() == vmid
                        && levelMatches(c, e) && e.overlapsIpa(range[0], range[1]));
                caches.ipa.invalidate(l -> l.vmid() == vmid && Long.compareUnsigned(l.ipaBase(), range[0] + range[1]) < 0
                        && Long.compareUnsigned(range[0], l.ipaBase() + (1L << l.log2Size())) < 0);
                if (!c.leaf()) {
                    caches.stage2Walk.invalidateTags(t -> WalkCache.vmidOf(t) == vmid);
                }
            }
            case Opcode.TLBI_NSNH_ALL -> {
                caches.tlb.invalidate(e -> e.regime() != Tlb.REGIME_S1_EL2);
                caches.stage1Walk.invalidateAll();
                caches.stage2Walk.invalidateAll();
                caches.ipa.invalidateAll();
            }
            case Opcode.CMD_SYNC -> sync(c);
            case Opcode.RESUME -> stalls.resume(c.streamId(), (int) (c.dw1() & 0xFFFF));
            case Opcode.STALL_TERM -> stalls.terminate(c.streamId());
            default -> {
                // PREFETCH_*: hints, nothing required; ATC_INV: no ATC is modelled; PRI_RESP: no page
                // request is ever waiting
            }
        }
        return CERROR_NONE;
    }

    private void sync(Command c) {
        if (c.cs() == 1) {
            long address = id.msi() ? c.msiAddress() : 0; // without IDR0.MSI the MSI fields are ignored
            if (address != 0 && memory.inRange(address, 4)) {
                memory.write32(address, c.msiData(), AccessPurpose.QUEUE);
            }
            completion.irq(address, c.msiData());
        } else if (c.cs() == 2) {
            completion.sev();
        }
    }

    private static boolean stage1NonHyp(TlbEntry e) {
        return e.regime() == Tlb.REGIME_S1 || e.regime() == Tlb.REGIME_NESTED;
    }

    /** The VMID a command names; ignored (0) when stage 2 is not implemented. */
    private int vmid(Command c) {
        return id.s2p() ? c.vmid() : 0;
    }

    private void invalidateRange(Command c, Predicate<TlbEntry> which, LongPredicate walkTags) {
        long[] range = range(c, c.address());
        caches.tlb.invalidate(e -> which.test(e) && levelMatches(c, e) && e.overlaps(range[0], range[1]));
        if (!c.leaf()) {
            caches.stage1Walk.invalidateTags(walkTags);
        }
    }

    /** [start, length) of a TLBI by address: one address (TG = 0) or (NUM+1) * 2^SCALE granules. */
    private static long[] range(Command c, long address) {
        if (c.tg() == 0) {
            return new long[] {address, 1};
        }
        int granuleShift = 10 + 2 * c.tg();
        long length = ((long) c.num() + 1) << (c.scale() + granuleShift);
        return new long[] {address, length};
    }

    /** TG restricts to entries of that granule; TTL (with TG) to leaves at that level. */
    private static boolean levelMatches(Command c, TlbEntry e) {
        if (c.tg() == 0) {
            return true;
        }
        if (e.granuleShift() != 10 + 2 * c.tg()) {
            return false;
        }
        return c.ttl() == 0 || e.level() == c.ttl();
    }

    private boolean valid(Command c) {
        long d0 = c.dw0() & ~0xFFL;
        long d1 = c.dw1();
        boolean s1 = id.s1p();
        boolean s2 = id.s2p();
        long range0 = id.ril() ? NUM_SCALE : 0;
        long range1 = id.ril() ? TTL_TG : 0;
        if (id.ril() && c.tg() != 0 && c.num() == 0 && c.scale() == 0 && c.ttl() == 0
                && isRangeCapable(c.opcode())) {
            return false;
        }
        return switch (c.opcode()) {
            case Opcode.PREFETCH_CONFIG -> fits(d0, SID | SSID | SSV) && d1 == 0;
            case Opcode.PREFETCH_ADDR -> fits(d0, SID | SSID | SSV) && fits(d1, ADDRESS | Bits.mask(9, 0));
            case Opcode.CFGI_STE -> fits(d0, SID) && fits(d1, LEAF);
            case Opcode.CFGI_STE_RANGE -> fits(d0, SID) && fits(d1, Bits.mask(4, 0));
            case Opcode.CFGI_CD -> s1 && fits(d0, SID | SSID) && fits(d1, LEAF);
            case Opcode.CFGI_CD_ALL -> s1 && fits(d0, SID) && d1 == 0;
            case Opcode.TLBI_NH_ALL -> s1 && fits(d0, VMID) && d1 == 0;
            case Opcode.TLBI_NH_ASID -> s1 && fits(d0, VMID | ASID) && d1 == 0;
            case Opcode.TLBI_NH_VA -> s1 && fits(d0, VMID | ASID | range0) && fits(d1, LEAF | range1 | ADDRESS);
            case Opcode.TLBI_NH_VAA -> s1 && fits(d0, VMID | range0) && fits(d1, LEAF | range1 | ADDRESS);
            case Opcode.TLBI_EL2_ALL -> s1 && id.hyp() && d0 == 0 && d1 == 0;
            case Opcode.TLBI_EL2_ASID -> s1 && id.hyp() && fits(d0, ASID) && d1 == 0;
            case Opcode.TLBI_EL2_VA -> s1 && id.hyp() && fits(d0, ASID | range0) && fits(d1, LEAF | range1 | ADDRESS);
            case Opcode.TLBI_EL2_VAA -> s1 && id.hyp() && fits(d0, range0) && fits(d1, LEAF | range1 | ADDRESS);
            case Opcode.TLBI_S12_VMALL -> s2 && fits(d0, VMID) && d1 == 0;
            case Opcode.TLBI_S2_IPA -> s2 && fits(d0, VMID | range0) && fits(d1, LEAF | range1 | IPA);
            case Opcode.TLBI_NSNH_ALL -> d0 == 0 && d1 == 0;
            case Opcode.ATC_INV -> id.ats() && fits(d0, SID | SSID | SSV | (1L << 9))
                    && fits(d1, Bits.mask(5, 0) | ADDRESS);
            case Opcode.CMD_SYNC -> c.cs() != 3 && fits(d0, Bits.mask(13, 12) | Bits.mask(27, 22) | SID)
                    && fits(d1, Bits.mask(55, 2));
            // accepted as the ID registers say; no page request or stalled transaction ever waits for them
            case Opcode.PRI_RESP -> id.pri() && fits(d0, SID | SSID | SSV) && fits(d1, Bits.mask(13, 12)
                    | Bits.mask(8, 0));
            case Opcode.RESUME -> id.stallModel() != 1 && fits(d0, SID | Bits.mask(13, 12))
                    && fits(d1, Bits.mask(15, 0));
            case Opcode.STALL_TERM -> id.stallModel() != 1 && fits(d0, SID) && d1 == 0;
            default -> false;
        };
    }

    private static boolean isRangeCapable(int opcode) {
        return opcode == Opcode.TLBI_NH_VA || opcode == Opcode.TLBI_NH_VAA || opcode == Opcode.TLBI_EL2_VA
                || opcode == Opcode.TLBI_EL2_VAA || opcode == Opcode.TLBI_S2_IPA;
    }

    private static boolean fits(long value, long allowed) {
        return (value & ~allowed) == 0;
    }
}
