package org.iommusim.smmu.v2.contextbank;

import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Permissions;
import org.iommusim.core.request.TranslationResult;
import org.iommusim.core.walk.StageTwo;
import org.iommusim.core.walk.WalkResult;
import org.iommusim.core.walk.WalkTrace;
import org.iommusim.core.walk.Walker;
import org.iommusim.smmu.v2.fault.ContextFault;
import org.iommusim.smmu.v2.tlb.SmmuTlb;
import org.iommusim.smmu.vmsa.VmsaDescriptor;
import org.iommusim.smmu.vmsa.VmsaFormat;
import org.iommusim.smmu.vmsa.VmsaPermissions;

/**
 * Stage 2 of one transaction through a stage-2 context bank (Arm IHI 0062 chapter 17; sections 2.1 and 2.6
 * on nesting): translates IPAs (the stage-1 table entry addresses and the stage-1 output, or the input of
 * a stage-2-only context) through the SMMU TLB's stage-2 entries, walking the bank's tables on a miss,
 * and checks the access flag and S2AP/XN permissions. A table fetch needs read permission; the final
 * IPA needs the transaction's access. A refused translation comes back {@link WalkResult.Status#DENIED}
 * with {@link #deniedBy()} telling access flag from permission.
 *
 * <p>One instance serves one transaction (it remembers the last result and denial); it is built on a TLB
 * miss only.
 */
public final class StageTwoWalk implements StageTwo {
    private final PhysicalMemory memory;
    private final SmmuTlb tlb;
    private final StageTwoControl control;
    private final boolean enabled;
    private final boolean accessFlagFaultDisabled;
    private final int vmid;
    private final Access access;
    private final boolean privileged;
    private ContextFault deniedBy;
    private int lastPermissions;
    private TranslationResult lastResult;
    private long walks;
    /**
     * Walk arrays shared by this translation's stage-2 walks: the nested walker uses each result before
     * it asks for the next, and keeps only the last (the failing one), so one pair serves them all. They
     * belong to the caller, which reuses them from one transaction to the next.
     */
    private final long[] entries;
    private final long[] addresses;

    /**
     * @param entries   scratch for the walks' entries, at least as long as the deepest walk (8 will do);
     *                  the results refer to it until the caller reuses it for another transaction
     * @param addresses the same for the entries' addresses
     */
    public StageTwoWalk(PhysicalMemory memory, SmmuTlb tlb, ContextBank bank, StageTwoControl control, int vmid,
                        Access access, boolean privileged, long[] entries, long[] addresses) {
        this.memory = memory;
        this.entries = entries;
        this.addresses = addresses;
        this.tlb = tlb;
        this.control = control;
        this.enabled = bank.enabled();
        this.accessFlagFaultDisabled = (bank.sctlr() & SystemControl.AFFD) != 0;
        this.vmid = vmid;
        this.access = access;
        this.privileged = privileged;
    }

    @Override
    public WalkResult translate(long ipa, boolean tableFetch, WalkTrace trace) {
        if (!enabled) {
            // SCTLR.M = 0: the stage-2 bank passes addresses through.
            lastPermissions = Permissions.RWX;
            return WalkResult.cached(2, ipa & ~0xFFFL, 0x1000, 3);
        }
        TranslationResult cached = tlb.lookupStage2(vmid, ipa);
        int needed = tableFetch ? Permissions.READ : access.permission();
        if (cached != null && (cached.permissions() & needed) == needed) {
            lastPermissions = cached.permissions();
            return WalkResult.cached(2, cached.pageBase(), cached.pageSize(), 3);
        }
        return walk(ipa, tableFetch, trace);
    }

    /** Walks the stage-2 tables for {@code ipa} without looking in the TLB first, and fills it. */
    public WalkResult walk(long ipa, boolean tableFetch, WalkTrace trace) {
        VmsaFormat format = control.format();
        if (format == null || !format.inputFits(ipa)) {
            return StageOneControl.unusable(2);
        }
        walks++;
        WalkResult walk = Walker.walkFrom(memory, format, 0, control.table(), ipa, 2, trace, entries, addresses);
        if (!walk.ok()) {
            return walk;
        }
        long leaf = walk.lastEntry();
        if (!VmsaDescriptor.accessFlag(leaf) && !accessFlagFaultDisabled) {
            deniedBy = ContextFault.AFF;
            return walk.denied();
        }
        int permissions = VmsaPermissions.stage2(leaf, privileged, false, false);
        lastResult = new TranslationResult(walk.address(), walk.pageSize(), permissions, 0);
        tlb.fillStage2(vmid, ipa, walk.pageSize(), lastResult);
        int needed = tableFetch ? Permissions.READ : access.permission();
        if ((permissions & needed) != needed) {
            deniedBy = ContextFault.PF;
            return walk.denied();
        }
        lastPermissions = permissions;
        return walk;
    }

    /** Why the last DENIED result was refused: {@link ContextFault#AFF} or {@link ContextFault#PF}. */
    public ContextFault deniedBy() {
        return deniedBy;
    }

    /** The permissions stage 2 granted in its last successful translation. */
    public int lastPermissions() {
        return lastPermissions;
    }

    /** The result of the last walk that reached a leaf with its access flag set. */
    public TranslationResult lastResult() {
        return lastResult;
    }

    public long walks() {
        return walks;
    }

    public VmsaFormat format() {
        return control.format();
    }
}
