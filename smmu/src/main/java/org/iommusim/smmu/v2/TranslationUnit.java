package org.iommusim.smmu.v2;

import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Fault;
import org.iommusim.core.request.Permissions;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.request.TranslationResult;
import org.iommusim.core.walk.NestedWalkResult;
import org.iommusim.core.walk.NestedWalker;
import org.iommusim.core.walk.WalkResult;
import org.iommusim.core.walk.WalkTrace;
import org.iommusim.core.walk.Walker;
import org.iommusim.smmu.v2.contextbank.ContextBank;
import org.iommusim.smmu.v2.contextbank.ContextBankAttribute;
import org.iommusim.smmu.v2.contextbank.ContextBankAttribute2;
import org.iommusim.smmu.v2.contextbank.StageOneControl;
import org.iommusim.smmu.v2.contextbank.StageTwoControl;
import org.iommusim.smmu.v2.contextbank.StageTwoWalk;
import org.iommusim.smmu.v2.contextbank.SystemControl;
import org.iommusim.smmu.v2.fault.ContextFault;
import org.iommusim.smmu.v2.fault.FaultSyndrome;
import org.iommusim.smmu.v2.fault.GlobalFault;
import org.iommusim.smmu.v2.registers.Scr0;
import org.iommusim.smmu.v2.streammatch.StreamMatcher;
import org.iommusim.smmu.v2.streammatch.StreamToContext;
import org.iommusim.smmu.vmsa.VmsaDescriptor;
import org.iommusim.smmu.vmsa.VmsaFormat;
import org.iommusim.smmu.vmsa.VmsaPermissions;

/**
 * The path of one client transaction through the SMMU (Arm IHI 0062 section 2.1 and its Figures
 * 2-3 to 2-5, section 2.3 context determination, section 2.6 translation contexts, chapter 3 faults):
 *
 * <ol>
 * <li>sCR0.CLIENTPD set: bypass.</li>
 * <li>Stream matching (or indexing) picks a mapping group; none matching is USF or bypass (sCR0.USFCFG),
 * several matching is SMCF or bypass (sCR0.SMCFCFG).</li>
 * <li>S2CRn.TYPE: bypass; fault (and the reserved type) raise ICF; translation goes to context bank
 * CBNDX, UCBF when that bank is not implemented.</li>
 * <li>CBARn.TYPE: stage 2 only; stage 1 with stage 2 bypass; stage 1 with stage 2 fault (ICF); stage 1
 * nested with the stage-2 bank CBAR.CBNDX.</li>
 * <li>The TLB, then on a miss the walk (nested through {@link NestedWalker} with a {@link StageTwoWalk}),
 * the access flag and permission checks, and the fill.</li>
 * </ol>
 *
 * A TLB hit allocates nothing. Faults are recorded in the context bank (FSR/FAR/FSYNR0/IPAFAR) of the
 * stage that faulted, or in sGFSR for global faults, and returned as {@link Fault} values.
 */
final class TranslationUnit {
    private static final long PAGE = 0x1000;

    private final SmmuV2 smmu;
    private final PhysicalMemory memory;

    long translations;
    long bypassed;
    long stage1Walks;
    long stage2Walks;
    long contextFaults;
    long globalFaults;
    /**
     * Set when the last translation was a pure TLB hit (the configuration is all registers, so nothing
     * else was consulted): only then may the SMMU memoise it ({@link org.iommusim.core.cache.HitMemo}).
     */
    boolean pureHit;
    /** The stage-1 walk's arrays, reused: a translation uses its walk only until it returns. */
    private WalkTrace trace = WalkTrace.NONE;
    private final long[] stage1Entries = new long[8];
    private final long[] stage1Addresses = new long[8];
    /** The same for the stage-2 walks of one translation ({@link StageTwoWalk}). */
    private final long[] stage2Entries = new long[8];
    private final long[] stage2Addresses = new long[8];

    TranslationUnit(SmmuV2 smmu, PhysicalMemory memory) {
        this.smmu = smmu;
        this.memory = memory;
    }

    void setTrace(WalkTrace t) {
        trace = t == null ? WalkTrace.NONE : t;
    }

    Translation translate(TranslationRequest req) {
        translations++;
        pureHit = false;
        int scr0 = smmu.scr0;
        if ((scr0 & Scr0.CLIENTPD) != 0) {
            return bypass(req.iova());
        }
        int sid = req.sourceId();
        int group = smmu.idr0.sms() ? StreamMatcher.match(smmu.smr, smmu.groups, sid)
                : StreamMatcher.index(smmu.groups, sid);
        if (group == StreamMatcher.NO_MATCH) {
            return (scr0 & Scr0.USFCFG) != 0 ? globalFault(GlobalFault.USF, req, false) : bypass(req.iova());
        }
        if (group == StreamMatcher.MULTIPLE_MATCH) {
            return (scr0 & Scr0.SMCFCFG) != 0 ? globalFault(GlobalFault.SMCF, req, false) : bypass(req.iova());
        }
        int s2cr = smmu.s2cr[group];
        switch (StreamToContext.type(s2cr)) {
            case StreamToContext.TYPE_BYPASS:
                return bypass(req.iova());
            case StreamToContext.TYPE_TRANSLATION:
                break;
            case StreamToContext.TYPE_FAULT:
            case StreamToContext.TYPE_RESERVED:
            default:
                return globalFault(GlobalFault.ICF, req, false);
        }
        int cbndx = StreamToContext.cbndx(s2cr);
        if (cbndx >= smmu.numcb) {
            return globalFault(GlobalFault.UCBF, req, false);
        }
        ContextBank bank = smmu.banks[cbndx];
        boolean privileged = StreamToContext.privileged(s2cr, req.privileged());
        int cbar = bank.cbar();
        if (!ContextBankAttribute2.va64(bank.cba2r())) {
            // The AArch32 descriptor formats are not modelled: such a context cannot be used.
            return globalFault(GlobalFault.ICF, req, false);
        }
        boolean stage1Capable = cbndx >= smmu.idr1.nums2cb() && smmu.idr0.s1ts();
        switch (ContextBankAttribute.type(cbar)) {
            case ContextBankAttribute.TYPE_S2_TRANS:
                if (!smmu.idr0.s2ts()) {
                    return globalFault(GlobalFault.ICF, req, false);
                }
                return stage2Only(bank, req, privileged, sid);
            case ContextBankAttribute.TYPE_S1_TRANS_S2_BYPASS:
                if (!stage1Capable) {
                    return globalFault(GlobalFault.ICF, req, false);
                }
                return stage1Only(bank, req, privileged, sid);
            case ContextBankAttribute.TYPE_S1_TRANS_S2_TRANS:
                return nestedContext(bank, req, privileged, sid, stage1Capable);
            case ContextBankAttribute.TYPE_S1_TRANS_S2_FAULT:
            default:
                return globalFault(GlobalFault.ICF, req, false);
        }
    }

    private Translation nestedContext(ContextBank s1, TranslationRequest req, boolean privileged, int sid,
                                      boolean stage1Capable) {
        if (!stage1Capable || !smmu.idr0.nts()) {
            return globalFault(GlobalFault.ICF, req, true);
        }
        int s2ndx = ContextBankAttribute.cbndx(s1.cbar());
        if (s2ndx >= smmu.numcb) {
            return globalFault(GlobalFault.UCBF, req, true);
        }
        ContextBank s2 = smmu.banks[s2ndx];
        if (ContextBankAttribute.type(s2.cbar()) != ContextBankAttribute.TYPE_S2_TRANS
                || !ContextBankAttribute2.va64(s2.cba2r())) {
            return globalFault(GlobalFault.ICF, req, true);
        }
        return nested(s1, s2, req, privileged, sid);
    }

    // ---- stage 1 only ----

    private Translation stage1Only(ContextBank bank, TranslationRequest req, boolean privileged, int sid) {
        if (terminatedUnderFault(bank)) {
            return terminated(bank, 1, req.iova());
        }
        if (!bank.enabled()) {
            return bypass(req.iova());
        }
        int vmid = bank.vmid(smmu.vmid16Enabled());
        int asid = bank.asid();
        long va = req.iova();
        TranslationResult hit = smmu.tlb.lookupStage1(vmid, asid, privileged, va);
        if (hit != null && hit.permits(req.access())) {
            pureHit = true;
            return hit;
        }
        StageOneControl control = bank.stage1Control(va);
        if (control.format() == null) {
            return contextFault(bank, ContextFault.TF, 1, 0, va, 0, 0, req, privileged, sid);
        }
        stage1Walks++;
        WalkResult walk = Walker.walkFrom(memory, control.format(), 0, control.table(), va, 1, trace,
                stage1Entries, stage1Addresses);
        if (!walk.ok()) {
            return walkFault(bank, control.format(), walk, 1, va, 0, 0, req, privileged, sid);
        }
        int permissions = stage1Permissions(bank, walk, privileged);
        if (permissions < 0) {
            return contextFault(bank, ContextFault.AFF, 1, walk.level(), va, 0, 0, req, privileged, sid);
        }
        TranslationResult result = new TranslationResult(walk.address(), walk.pageSize(), permissions, 0);
        smmu.tlb.fillStage1(vmid, asid, !VmsaDescriptor.notGlobal(walk.lastEntry()), privileged, va,
                walk.pageSize(), result);
        if (!result.permits(req.access())) {
            return contextFault(bank, ContextFault.PF, 1, walk.level(), va, 0, 0, req, privileged, sid);
        }
        return result;
    }

    /** The stage-1 permissions of a successful walk's leaf, or -1 for an access flag fault. */
    private static int stage1Permissions(ContextBank bank, WalkResult walk, boolean privileged) {
        long leaf = walk.lastEntry();
        int sctlr = bank.sctlr();
        if (!VmsaDescriptor.accessFlag(leaf) && (sctlr & SystemControl.AFFD) == 0) {
            return -1;
        }
        long tableBits = VmsaDescriptor.tableAttributes(walk.entries(), walk.firstStep(), walk.step());
        return VmsaPermissions.stage1(leaf, tableBits, privileged, false, (sctlr & SystemControl.WXN) != 0,
                (sctlr & SystemControl.UWXN) != 0);
    }

    // ---- stage 2 only ----

    private Translation stage2Only(ContextBank bank, TranslationRequest req, boolean privileged, int sid) {
        if (terminatedUnderFault(bank)) {
            return terminated(bank, 2, req.iova());
        }
        if (!bank.enabled()) {
            return bypass(req.iova());
        }
        int vmid = bank.vmid(smmu.vmid16Enabled());
        long ipa = req.iova();
        TranslationResult hit = smmu.tlb.lookupStage2(vmid, ipa);
        if (hit != null && hit.permits(req.access())) {
            pureHit = true;
            return hit;
        }
        StageTwoControl control = bank.stage2Control();
        StageTwoWalk stage2 = new StageTwoWalk(memory, smmu.tlb, bank, control, vmid, req.access(), privileged,
                stage2Entries, stage2Addresses);
        WalkResult walk = stage2.walk(ipa, false, trace);
        stage2Walks += stage2.walks();
        if (!walk.ok()) {
            return stage2Fault(bank, stage2, walk, ipa, ipa, 0, req, privileged, sid);
        }
        return stage2.lastResult();
    }

    // ---- nested: stage 1 followed by stage 2 ----

    private Translation nested(ContextBank s1, ContextBank s2, TranslationRequest req, boolean privileged,
                               int sid) {
        if (terminatedUnderFault(s1)) {
            return terminated(s1, 1, req.iova());
        }
        if (terminatedUnderFault(s2)) {
            return terminated(s2, 2, req.iova());
        }
        long va = req.iova();
        int vmid = s1.vmid(smmu.vmid16Enabled());
        int asid = s1.enabled() ? s1.asid() : 0;
        TranslationResult hit = smmu.tlb.lookupStage1(vmid, asid, privileged, va);
        if (hit != null && hit.permits(req.access())) {
            pureHit = true;
            return hit;
        }
        StageTwoControl s2control = s2.stage2Control();
        StageTwoWalk stage2 = new StageTwoWalk(memory, smmu.tlb, s2, s2control, s2.vmid(smmu.vmid16Enabled()),
                req.access(), privileged, stage2Entries, stage2Addresses);
        int nestedSyndrome = FaultSyndrome.NESTED | (s1.index() << FaultSyndrome.S1CBNDX_SHIFT);
        if (!s1.enabled()) {
            // Stage 1 disabled (SCTLR.M = 0): the VA is the IPA.
            WalkResult w = stage2.translate(va, false, trace);
            stage2Walks += stage2.walks();
            if (!w.ok()) {
                return stage2Fault(s2, stage2, w, va, va, nestedSyndrome, req, privileged, sid);
            }
            long size = w.pageSize();
            TranslationResult r = new TranslationResult(w.translate(va) & -size, size, stage2.lastPermissions(), 0);
            // No stage-1 leaf, so no nG: the entry is global.
            smmu.tlb.fillStage1(vmid, asid, true, privileged, va, size, r);
            return r;
        }
        StageOneControl control = s1.stage1Control(va);
        if (control.format() == null) {
            return contextFault(s1, ContextFault.TF, 1, 0, va, 0, 0, req, privileged, sid);
        }
        stage1Walks++;
        NestedWalkResult n = NestedWalker.walkFrom(memory, control.format(), 0, control.table(), va, stage2,
                trace, stage1Entries, stage1Addresses);
        stage2Walks += stage2.walks();
        if (n.status() == NestedWalkResult.Status.STAGE1_FAULT) {
            return walkFault(s1, control.format(), n.stage1(), 1, va, 0, 0, req, privileged, sid);
        }
        int s1Permissions = 0;
        if (n.ok() || !n.tableFetch()) {
            // The stage-1 walk completed: its faults come before a stage-2 fault on its output.
            s1Permissions = stage1Permissions(s1, n.stage1(), privileged);
            if (s1Permissions < 0) {
                return contextFault(s1, ContextFault.AFF, 1, n.stage1().level(), va, 0, 0, req, privileged, sid);
            }
            if ((s1Permissions & req.access().permission()) == 0) {
                return contextFault(s1, ContextFault.PF, 1, n.stage1().level(), va, 0, 0, req, privileged, sid);
            }
        }
        if (!n.ok()) {
            int syndrome = nestedSyndrome | (n.tableFetch() ? FaultSyndrome.S1PTWF : 0);
            return stage2Fault(s2, stage2, n.stage2(), n.ipa(), va, syndrome, req, privileged, sid);
        }
        int permissions = s1Permissions & stage2.lastPermissions();
        TranslationResult r = new TranslationResult(n.outputAddress(), n.pageSize(), permissions, 0);
        smmu.tlb.fillStage1(vmid, asid, !VmsaDescriptor.notGlobal(n.stage1().lastEntry()), privileged, va,
                n.pageSize(), r);
        return r;
    }

    // ---- faults ----

    private Translation stage2Fault(ContextBank s2, StageTwoWalk stage2, WalkResult walk, long ipa, long far,
                                    int syndrome, TranslationRequest req, boolean privileged, int sid) {
        if (walk.status() == WalkResult.Status.DENIED) {
            return contextFault(s2, stage2.deniedBy(), 2, walk.level(), far, ipa, syndrome, req, privileged, sid);
        }
        return walkFault(s2, stage2.format(), walk, 2, far, ipa, syndrome, req, privileged, sid);
    }

    /** A walk that stopped: invalid or malformed entry (TF), an address too large (ASF), or an abort (EF). */
    private Translation walkFault(ContextBank bank, VmsaFormat format, WalkResult walk, int stage, long far,
                                  long ipa, int syndrome, TranslationRequest req, boolean privileged, int sid) {
        ContextFault fault;
        switch (walk.status()) {
            case ABORT:
                fault = ContextFault.EF;
                syndrome |= FaultSyndrome.PTWF;
                break;
            case RESERVED:
                fault = format != null && format.addressSizeFault(walk.lastEntry(), walk.step())
                        ? ContextFault.ASF : ContextFault.TF;
                break;
            default:
                fault = ContextFault.TF;
                break;
        }
        return contextFault(bank, fault, stage, walk.level(), far, ipa, syndrome, req, privileged, sid);
    }

    private Fault contextFault(ContextBank bank, ContextFault fault, int stage, int level, long far, long ipa,
                               int syndrome, TranslationRequest req, boolean privileged, int sid) {
        contextFaults++;
        int fsynr0 = syndrome | (level & FaultSyndrome.PLVL_MASK) | accessSyndrome(req.access(), privileged);
        bank.recordFault(fault, far, fsynr0, stage == 2 ? ipa : 0, sid);
        return new Fault(fault.bit(), fault.name(), stage, level, stage == 2 ? ipa : far);
    }

    private static int accessSyndrome(Access access, boolean privileged) {
        return (access == Access.WRITE ? FaultSyndrome.WNR : 0) | (access == Access.EXEC ? FaultSyndrome.IND : 0)
                | (privileged ? FaultSyndrome.PNU : 0);
    }

    /** SCTLR.HUPCF = 0 with a fault outstanding in FSR: the bank terminates every transaction. */
    private static boolean terminatedUnderFault(ContextBank bank) {
        return bank.faultOutstanding() && (bank.sctlr() & SystemControl.HUPCF) == 0;
    }

    /**
     * A transaction terminated because a context fault is outstanding (HUPCF = 0); nothing is recorded.
     * Reported with {@link #TERMINATED_CODE}, which is no FSR bit.
     */
    private Fault terminated(ContextBank bank, int stage, long address) {
        contextFaults++;
        return new Fault(TERMINATED_CODE, "TERMINATED_UNDER_FAULT", stage, Fault.NO_LEVEL, address);
    }

    /** The code of a transaction terminated while its context bank has a fault outstanding. */
    static final int TERMINATED_CODE = 0x80;

    private Fault globalFault(GlobalFault fault, TranslationRequest req, boolean nested) {
        globalFaults++;
        int syndrome = (nested ? GlobalFault.SGFSYNR0_NESTED : 0)
                | (req.access() == Access.WRITE ? GlobalFault.SGFSYNR0_WNR : 0)
                | (req.access() == Access.EXEC ? GlobalFault.SGFSYNR0_IND : 0)
                | (req.privileged() ? GlobalFault.SGFSYNR0_PNU : 0);
        smmu.recordGlobalFault(fault, req.iova(), syndrome, req.sourceId());
        return new Fault(fault.code(), fault.name(), 0, Fault.NO_LEVEL, req.iova());
    }

    private TranslationResult bypass(long address) {
        bypassed++;
        return new TranslationResult(address & -PAGE, PAGE, Permissions.RWX, 0);
    }
}
