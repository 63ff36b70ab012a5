package org.iommusim.vtd.translation;

import org.iommusim.core.bits.Bits;
import org.iommusim.core.memory.AccessPurpose;
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
import org.iommusim.vtd.cache.ConfigCaches.ContextCacheEntry;
import org.iommusim.vtd.cache.ConfigCaches.PasidCacheEntry;
import org.iommusim.vtd.cache.IotlbEntry;
import org.iommusim.vtd.cache.PagingStructureCache;
import org.iommusim.vtd.cache.VtdCaches;
import org.iommusim.vtd.context.ContextEntry;
import org.iommusim.vtd.context.ScalableContextEntry;
import org.iommusim.vtd.fault.FaultReason;
import org.iommusim.vtd.firststage.FirstStageFormat;
import org.iommusim.vtd.pasid.PasidDirectoryEntry;
import org.iommusim.vtd.pasid.PasidEntry;
import org.iommusim.vtd.pasid.Pgtt;
import org.iommusim.vtd.registers.Cap;
import org.iommusim.vtd.registers.Ecap;
import org.iommusim.vtd.root.RootEntry;
import org.iommusim.vtd.root.ScalableRootEntry;
import org.iommusim.vtd.secondstage.SecondStageFormat;

/**
 * DMA remapping of one request, VT-d specification chapter 3 (legacy mode 3.4.2, scalable mode 3.4.3,
 * first stage 3.6, second stage 3.7, nested 3.8) with the caches of chapter 6: context/PASID lookup
 * through the context and PASID caches, then the IOTLB, then on a miss the walk (through the
 * paging-structure caches), permission checks, accessed/dirty updates and the IOTLB fill. A PCIe ATS
 * translated request (section 4.2.3) stops after the context entry, which decides whether it passes
 * unremapped.
 *
 * <p>A refused request yields a {@link Fault} whose code is the fault reason; {@link #lastReason()} and
 * {@link #lastFpd()} tell the caller how to record it.
 */
public final class Translator {
    /** First-stage accumulated flags in a paging-structure-cache entry. */
    private static final int FS_WRITABLE = 1;
    private static final int FS_USER = 2;
    private static final int FS_NO_EXEC = 4;
    private static final int FS_ALL = FS_WRITABLE | FS_USER;

    private final PhysicalMemory memory;
    private final Cap cap;
    private final Ecap ecap;
    private final VtdCaches caches;
    /**
     * Host address width: pointer and address bits at or above it are reserved. Fixed at 52, the
     * architectural maximum; a machine with less memory turns pointers beyond it into access errors.
     */
    public static final int HOST_ADDRESS_WIDTH = 52;
    private final int haw = HOST_ADDRESS_WIDTH;
    private final SecondStageWalk secondStage;
    /** Stage 2 of a nested walk: its state lasts one translation, so one instance serves them all. */
    private final NestedStageTwo nestedStageTwo;
    private final FirstStageFormat[] firstStageFormats = new FirstStageFormat[6];
    private final SecondStageFormat[] secondStageFormats = new SecondStageFormat[6];
    private WalkTrace trace = WalkTrace.NONE;

    /** RTADDR.TTM values (section 11.4.5). */
    public static final int TTM_LEGACY = 0;
    public static final int TTM_SCALABLE = 1;
    public static final int TTM_ABORT_DMA = 3;

    private final int versionMajor;
    private boolean enabled;
    private boolean scalable;
    private long rootTable;
    private int ttm = TTM_LEGACY;

    /** A translated address here is refused: it is the interrupt address range (section 3.15). */
    public static final long INTERRUPT_RANGE_FIRST = 0xFEE0_0000L;
    public static final long INTERRUPT_RANGE_LAST = 0xFEEF_FFFFL;

    private FaultReason lastReason;
    private boolean fpd;
    /** The fault a context-entry lookup that returned null produced. */
    private Fault contextFault;
    /** The stage that produced the output address of the current translation. */
    private int outputStage;

    /**
     * Where the current translation's cache hits were, for the unit's hit memo: set when the context
     * entry (and PASID entry) came from their caches and the IOTLB hit was usable as it was.
     */
    private boolean configHit;
    private boolean pureHit;
    private int contextSlot;
    private int pasidSlot;
    private int iotlbSlot;
    private int iotlbProbes;

    /** The first-stage walk's arrays, reused: a translation uses its walk only until it returns. */
    private final long[] firstStageEntries = new long[5];
    private final long[] firstStageAddresses = new long[5];

    private long firstStageWalks;
    private long secondStageWalks;
    private long nestedWalks;
    private long passThrough;

    public Translator(PhysicalMemory memory, Cap cap, Ecap ecap, int ver, VtdCaches caches) {
        this.versionMajor = (ver >>> 4) & 0xF;
        this.memory = memory;
        this.cap = cap;
        this.ecap = ecap;
        this.caches = caches;
        this.secondStage = new SecondStageWalk(memory, caches.secondStage);
        this.nestedStageTwo = new NestedStageTwo(secondStage);
        for (int levels = 4; levels <= 5; levels++) {
            firstStageFormats[levels] = new FirstStageFormat(levels, haw, cap.firstStage1GPages());
        }
        for (int levels = 2; levels <= 5; levels++) {
            secondStageFormats[levels] = new SecondStageFormat(levels, haw, cap.secondStage2MPages(),
                    cap.secondStage1GPages(), ecap.has(Ecap.SC));
        }
    }

    /** GSTS.TES changed. */
    public void setEnabled(boolean on) {
        enabled = on;
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * GCMD.SRTP latched RTADDR: the root table and its mode (RTADDR.TTM). A mode the unit does not
     * have (10b; 01b without ECAP.SMTS; 11b without ECAP.ADMS) makes every request fault with RTA.1;
     * abort-DMA mode (11b) blocks every request with RTA.4.
     */
    public void setRootTable(long address, int mode) {
        rootTable = address;
        ttm = mode;
        scalable = mode == TTM_SCALABLE;
    }

    private boolean validMode() {
        return ttm == TTM_LEGACY || (ttm == TTM_SCALABLE && ecap.has(Ecap.SMTS))
                || (ttm == TTM_ABORT_DMA && ecap.has(Ecap.ADMS));
    }

    public boolean scalableMode() {
        return scalable;
    }

    /** Receives every page-walk memory reference (the walk explainer, tests). */
    public void setTrace(WalkTrace t) {
        trace = t == null ? WalkTrace.NONE : t;
    }

    public FaultReason lastReason() {
        return lastReason;
    }

    public boolean lastFpd() {
        return fpd;
    }

    public long firstStageWalks() {
        return firstStageWalks;
    }

    public long secondStageWalks() {
        return secondStageWalks;
    }

    public long nestedWalks() {
        return nestedWalks;
    }

    public long passThroughTranslations() {
        return passThrough;
    }

    public Translation translate(TranslationRequest request) {
        lastReason = null;
        fpd = false;
        pureHit = false;
        pasidSlot = -1;
        if (!enabled) {
            return passThrough(request.iova());
        }
        // Execute-Requested travels in the PASID TLP prefix: without a PASID a request cannot carry it.
        Access access = request.access() == Access.EXEC && !request.hasPasid() ? Access.READ : request.access();
        if (!validMode()) {
            return fault(FaultReason.SM_INVALID_ROOT_TABLE, 0, Fault.NO_LEVEL, request.iova());
        }
        if (ttm == TTM_ABORT_DMA) {
            return fault(FaultReason.SM_ABORT_DMA, 0, Fault.NO_LEVEL, request.iova());
        }
        if (access == Access.EXEC && versionMajor >= 8) {
            return fault(FaultReason.SM_EXECUTE_REQUESTED, 0, Fault.NO_LEVEL, request.iova());
        }
        Translation t = request.translated() ? translated(request)
                : scalable ? scalableMode(request, access) : legacyMode(request, access);
        // Pass-through outputs are checked too (LGN.4 / SGN.8.1): for them the output is the input.
        if (t instanceof TranslationResult r) {
            long out = r.outputAddress(request.iova());
            if (out >= INTERRUPT_RANGE_FIRST && out <= INTERRUPT_RANGE_LAST) {
                return fault(scalable ? FaultReason.SM_INTERRUPT_ADDR : FaultReason.INTERRUPT_ADDR, outputStage,
                        Fault.NO_LEVEL, request.iova());
            }
        }
        return t;
    }

    private TranslationResult passThrough(long iova) {
        passThrough++;
        outputStage = 0;
        return new TranslationResult(iova & ~0xFFFL, 4096, Permissions.RWX, 0);
    }

    private Fault fault(FaultReason reason, int stage, int level, long address) {
        lastReason = reason;
        return new Fault(reason.code(), reason.name(), stage, level, address);
    }

    private long fetch(long address) {
        return memory.read64(address, AccessPurpose.CONFIG_FETCH);
    }

    // ---- legacy mode (section 3.4.2) ----

    private Translation legacyMode(TranslationRequest request, Access access) {
        long iova = request.iova();
        if (request.hasPasid()) {
            return fault(FaultReason.SM_TTM_LEGACY_PASID, 0, Fault.NO_LEVEL, iova);
        }
        ContextEntry ctx = legacyContext(request.sourceId() & 0xFFFF, iova);
        if (ctx == null) {
            return contextFault;
        }
        if (ctx.translationType() == ContextEntry.TT_PASS_THROUGH) {
            if ((iova >>> haw) != 0) {
                return fault(FaultReason.ADDR_BEYOND_MGAW, 0, Fault.NO_LEVEL, iova); // LGN.1.3
            }
            return passThrough(iova);
        }
        int did = ctx.domainId();
        outputStage = 2;
        IotlbEntry hit = caches.iotlb.lookup(did, -1, iova);
        if (hit != null && usable(hit, hit.user(), access)) {
            return iotlbHit(hit.user());
        }
        SecondStageFormat format = secondStageFormats[SecondStageFormat.levelsForAw(ctx.addressWidth())];
        int width = Math.min(format.inputWidth(), cap.mgaw());
        if ((iova >>> width) != 0) {
            return fault(FaultReason.ADDR_BEYOND_MGAW, 2, Fault.NO_LEVEL, iova);
        }
        secondStageWalks++;
        WalkResult r = secondStage.walk(did, format, ctx.secondStagePointer(), iova, trace, 0);
        if (!r.ok()) {
            FaultReason reason = switch (r.status()) {
                case ABORT -> r.firstStep() == 0 && r.step() == 0
                        ? FaultReason.CONTEXT_ENTRY_INV : FaultReason.PAGING_ENTRY_INV;
                case RESERVED -> FaultReason.PAGING_ENTRY_RSVD;
                default -> access == Access.WRITE ? FaultReason.WRITE : FaultReason.READ;
            };
            return fault(reason, 2, r.level(), iova);
        }
        int flags = secondStage.flags & (Permissions.READ | Permissions.WRITE);
        if ((flags & access.permission()) == 0) {
            return fault(access == Access.WRITE ? FaultReason.WRITE : FaultReason.READ, 2, r.level(), iova);
        }
        TranslationResult result = new TranslationResult(r.address(), r.pageSize(), flags, 0);
        caches.iotlb.fill(did, -1, IotlbEntry.Kind.LEGACY, iova & ~(r.pageSize() - 1), result, result, true);
        return result;
    }

    /**
     * The legacy context entry of {@code sid} through the context cache, or null with
     * {@link #contextFault} set when the root or context entry refuses the request.
     */
    private ContextEntry legacyContext(int sid, long iova) {
        ContextCacheEntry cached = caches.config.lookupContext(sid, false);
        configHit = cached != null;
        if (cached != null) {
            contextSlot = caches.config.lastContextSlot();
            fpd = cached.legacy().faultProcessingDisable();
            return cached.legacy();
        }
        long rootAddress = RootEntry.entryAddress(rootTable, sid >>> 8);
        if (!memory.inRange(rootAddress, RootEntry.SIZE)) {
            return refuse(FaultReason.ROOT_TABLE_INV, iova);
        }
        RootEntry root = new RootEntry(fetch(rootAddress), fetch(rootAddress + 8));
        if (!root.present()) {
            return refuse(FaultReason.ROOT_ENTRY_P, iova);
        }
        if (root.reservedBitsSet(haw)) {
            return refuse(FaultReason.ROOT_ENTRY_RSVD, iova);
        }
        long ctxAddress = ContextEntry.entryAddress(root.contextTablePointer(), sid & 0xFF);
        if (!memory.inRange(ctxAddress, ContextEntry.SIZE)) {
            return refuse(FaultReason.CONTEXT_TABLE_INV, iova);
        }
        ContextEntry ctx = new ContextEntry(fetch(ctxAddress), fetch(ctxAddress + 8));
        fpd = ctx.faultProcessingDisable(); // evaluated even when P=0 (section 9.3)
        if (!ctx.present()) {
            return refuse(FaultReason.CONTEXT_ENTRY_P, iova);
        }
        if (ctx.reservedBitsSet(haw) || (ctx.domainId() >>> cap.domainIdBits()) != 0) {
            return refuse(FaultReason.CONTEXT_ENTRY_RSVD, iova);
        }
        int tt = ctx.translationType();
        boolean ttOk = tt == ContextEntry.TT_UNTRANSLATED
                || (tt == ContextEntry.TT_DEVICE_TLB && ecap.has(Ecap.DT))
                || (tt == ContextEntry.TT_PASS_THROUGH && ecap.has(Ecap.PT));
        if (!ttOk || !cap.supportsAgaw(ctx.addressWidth()) || ctx.addressWidth() == 0) {
            return refuse(FaultReason.CONTEXT_ENTRY_INV, iova);
        }
        caches.config.fillContext(new ContextCacheEntry(sid, ctx, null));
        return ctx;
    }

    /** Sets {@link #contextFault} (a configuration fault, stage 0) and returns null. */
    private <T> T refuse(FaultReason reason, long iova) {
        contextFault = fault(reason, 0, Fault.NO_LEVEL, iova);
        return null;
    }

    /** A usable IOTLB hit: remembers where it was, so that a pure hit can be memoised. */
    private TranslationResult iotlbHit(TranslationResult r) {
        pureHit = configHit;
        iotlbSlot = caches.iotlb.lastHitSlot();
        iotlbProbes = caches.iotlb.lastProbes();
        return r;
    }

    /**
     * True when the last translation was a pure hit: its context (and PASID) entry came from the cache
     * and the IOTLB entry was used as it was, so no memory was read and no cache changed. Only then may
     * the unit memoise it ({@link org.iommusim.core.cache.HitMemo}).
     */
    public boolean pureHit() {
        return pureHit;
    }

    /** Context-cache slot of the last pure hit. */
    public int contextSlot() {
        return contextSlot;
    }

    /** PASID-cache slot of the last pure hit; -1 in legacy mode, which has no PASID cache lookup. */
    public int pasidSlot() {
        return pasidSlot;
    }

    /** IOTLB slot of the last pure hit. */
    public int iotlbSlot() {
        return iotlbSlot;
    }

    /** Page sizes the IOTLB lookup of the last pure hit probed. */
    public int iotlbProbes() {
        return iotlbProbes;
    }

    private static boolean usable(IotlbEntry e, TranslationResult r, Access access) {
        return (r.permissions() & access.permission()) != 0 && (access != Access.WRITE || e.writeReady());
    }

    // ---- scalable mode (section 3.4.3) ----

    private Translation scalableMode(TranslationRequest request, Access access) {
        long iova = request.iova();
        int sid = request.sourceId() & 0xFFFF;
        ScalableContextEntry ctx = scalableContext(sid, iova);
        if (ctx == null) {
            return contextFault;
        }
        int pasid;
        boolean privileged;
        if (request.hasPasid()) {
            if (!ctx.pasidEnable()) {
                return fault(FaultReason.SM_PASID_DISABLED, 0, Fault.NO_LEVEL, iova);
            }
            if (request.pasid() == ctx.ridPasid()) {
                return fault(FaultReason.SM_PASID_IS_RID_PASID, 0, Fault.NO_LEVEL, iova);
            }
            if ((request.pasid() >>> ecap.pasidBits()) != 0) {
                return fault(FaultReason.SM_PASID_BEYOND_PSS, 0, Fault.NO_LEVEL, iova);
            }
            pasid = request.pasid();
            privileged = request.privileged();
        } else {
            pasid = ctx.ridPasid();
            privileged = ctx.ridPriv();
        }
        if ((pasid >>> PasidDirectoryEntry.INDEX_SHIFT) >= ctx.pasidDirectoryEntries()) {
            return fault(FaultReason.SM_PASID_TOO_LARGE, 0, Fault.NO_LEVEL, iova);
        }
        PasidCacheEntry pce = caches.config.lookupPasid(sid, pasid);
        PasidEntry pe;
        if (pce != null) {
            pasidSlot = caches.config.lastPasidSlot();
            pe = pce.entry();
            fpd |= pce.directoryFpd() || pe.faultProcessingDisable();
        } else {
            configHit = false;
            long dirAddress = PasidDirectoryEntry.entryAddress(ctx.pasidDirectoryPointer(), pasid);
            if (!memory.inRange(dirAddress, PasidDirectoryEntry.SIZE)) {
                return fault(FaultReason.PASID_DIR_ACCESS, 0, Fault.NO_LEVEL, iova);
            }
            PasidDirectoryEntry dir = new PasidDirectoryEntry(fetch(dirAddress));
            fpd |= dir.faultProcessingDisable();
            if (!dir.present()) {
                return fault(FaultReason.PASID_DIR_P, 0, Fault.NO_LEVEL, iova);
            }
            if (dir.reservedBitsSet(haw)) {
                return fault(FaultReason.PASID_DIR_RSVD, 0, Fault.NO_LEVEL, iova);
            }
            long a = PasidEntry.entryAddress(dir.pasidTablePointer(), pasid);
            if (!memory.inRange(a, PasidEntry.SIZE)) {
                return fault(FaultReason.PASID_TABLE_ACCESS, 0, Fault.NO_LEVEL, iova);
            }
            boolean upper = false;
            for (int i = 3; i < 8; i++) {
                upper |= fetch(a + 8L * i) != 0;
            }
            pe = new PasidEntry(fetch(a), fetch(a + 8), fetch(a + 16), upper);
            fpd |= pe.faultProcessingDisable();
            if (!pe.present()) {
                return fault(FaultReason.PASID_ENTRY_P, 0, Fault.NO_LEVEL, iova);
            }
            if (pe.reservedBitsSet(haw, ecap) || (pe.domainId() >>> cap.domainIdBits()) != 0) {
                return fault(FaultReason.PASID_ENTRY_RSVD, 0, Fault.NO_LEVEL, iova);
            }
            if (!validPasidEntry(pe)) {
                return fault(FaultReason.PASID_ENTRY_INV, 0, Fault.NO_LEVEL, iova);
            }
            caches.config.fillPasid(new PasidCacheEntry(sid, pasid, pe, dir.faultProcessingDisable()));
        }
        Pgtt pgtt = pe.pgtt();
        // Execute requests exist only with ECAP.ERS (revision 4.0 and earlier); their first-stage
        // translations also need ERE in the PASID entry (revision 3.x semantics).
        if (access == Access.EXEC && (!ecap.has(Ecap.ERS)
                || ((pgtt == Pgtt.FIRST_STAGE || pgtt == Pgtt.NESTED) && !pe.executeRequestEnable()))) {
            return fault(FaultReason.PASID_EXECUTE, 0, Fault.NO_LEVEL, iova);
        }
        if (privileged && !pe.supervisorRequestEnable()) {
            return fault(FaultReason.PASID_SRE_DISABLED, 0, Fault.NO_LEVEL, iova);
        }
        if (pgtt == Pgtt.PASS_THROUGH) {
            if ((iova >>> haw) != 0) {
                return fault(FaultReason.SM_ADDR_BEYOND_HAW, 0, Fault.NO_LEVEL, iova); // SGN.4.2
            }
            return passThrough(iova);
        }
        if (pgtt == Pgtt.SECOND_STAGE) {
            return secondStageOnly(pe, pasid, iova, access);
        }
        return firstStage(pe, pasid, iova, access, privileged, pgtt == Pgtt.NESTED);
    }

    /**
     * The scalable-mode context entry of {@code sid} through the context cache, or null with
     * {@link #contextFault} set when the root or context entry refuses the request.
     */
    private ScalableContextEntry scalableContext(int sid, long iova) {
        ContextCacheEntry cached = caches.config.lookupContext(sid, true);
        configHit = cached != null;
        if (cached != null) {
            contextSlot = caches.config.lastContextSlot();
            fpd = cached.scalable().faultProcessingDisable();
            return cached.scalable();
        }
        long rootAddress = RootEntry.entryAddress(rootTable, sid >>> 8);
        if (!memory.inRange(rootAddress, RootEntry.SIZE)) {
            return refuse(FaultReason.SM_ROOT_ACCESS, iova);
        }
        ScalableRootEntry root = new ScalableRootEntry(fetch(rootAddress), fetch(rootAddress + 8));
        int devfn = sid & 0xFF;
        if (!root.present(devfn)) {
            return refuse(FaultReason.SM_ROOT_P, iova);
        }
        if (root.reservedBitsSet(devfn, haw)) {
            return refuse(FaultReason.SM_ROOT_RSVD, iova);
        }
        long a = ScalableContextEntry.entryAddress(root.contextTablePointer(devfn), devfn);
        if (!memory.inRange(a, ScalableContextEntry.SIZE)) {
            return refuse(FaultReason.SM_CONTEXT_ACCESS, iova);
        }
        ScalableContextEntry ctx = new ScalableContextEntry(fetch(a), fetch(a + 8), fetch(a + 16), fetch(a + 24));
        fpd = ctx.faultProcessingDisable(); // evaluated even when P=0 (section 9.4)
        if (!ctx.present()) {
            return refuse(FaultReason.SM_CONTEXT_P, iova);
        }
        if (ctx.reservedBitsSet(haw, ecap)) {
            return refuse(FaultReason.SM_CONTEXT_RSVD, iova);
        }
        if (ctx.invalidProgramming()) {
            return refuse(FaultReason.SM_CONTEXT_INV, iova);
        }
        caches.config.fillContext(new ContextCacheEntry(sid, null, ctx));
        return ctx;
    }

    // ---- translated requests (PCIe ATS, AT=10b; sections 4.2.3, 9.3 TT, 9.4 DTE) ----

    /**
     * A translated request carries an address the device's Device-TLB already translated. The root and
     * context entries are checked as for any request; then only a context entry that enables the
     * Device-TLB lets it through, and its address is not remapped: legacy TT=01b (TT=00b and the
     * pass-through TT=10b block translated requests, 0xD), scalable-mode DTE=1 (DTE=0 is SCT.5, 0x44).
     * The PASID entry is not consulted in scalable mode; in legacy mode a request with a PASID is
     * RTA.2 as any other.
     */
    private Translation translated(TranslationRequest request) {
        long address = request.iova();
        int sid = request.sourceId() & 0xFFFF;
        if (scalable) {
            ScalableContextEntry ctx = scalableContext(sid, address);
            if (ctx == null) {
                return contextFault;
            }
            if (!ctx.deviceTlbEnable()) {
                return fault(FaultReason.SM_DEVICE_TLB_DISABLED, 0, Fault.NO_LEVEL, address);
            }
            return passThrough(address);
        }
        if (request.hasPasid()) {
            return fault(FaultReason.SM_TTM_LEGACY_PASID, 0, Fault.NO_LEVEL, address);
        }
        ContextEntry ctx = legacyContext(sid, address);
        if (ctx == null) {
            return contextFault;
        }
        if (ctx.translationType() != ContextEntry.TT_DEVICE_TLB) {
            return fault(FaultReason.CONTEXT_ENTRY_TT, 0, Fault.NO_LEVEL, address);
        }
        return passThrough(address);
    }

    /** The programming checks of section 9.6 against CAP/ECAP (SPT.4.1-SPT.4.4, fault 0x5B). */
    private boolean validPasidEntry(PasidEntry pe) {
        Pgtt pgtt = pe.pgtt();
        if (pgtt == null) {
            return false;
        }
        boolean supported = switch (pgtt) {
            case FIRST_STAGE -> ecap.has(Ecap.FSTS);
            case SECOND_STAGE -> ecap.has(Ecap.SSTS);
            case NESTED -> ecap.has(Ecap.NEST) && ecap.has(Ecap.FSTS) && ecap.has(Ecap.SSTS);
            case PASS_THROUGH -> ecap.has(Ecap.PT);
        };
        if (!supported) {
            return false;
        }
        boolean secondStage = pgtt == Pgtt.SECOND_STAGE || pgtt == Pgtt.NESTED;
        if (secondStage && (!cap.supportsAgaw(pe.addressWidth()) || pe.addressWidth() == 0)) {
            return false;
        }
        if (pgtt == Pgtt.FIRST_STAGE || pgtt == Pgtt.NESTED) {
            int flpm = pe.firstStagePagingMode();
            if (flpm > PasidEntry.FLPM_5LEVEL || (flpm == PasidEntry.FLPM_5LEVEL && !cap.firstStage5Level())) {
                return false;
            }
        }
        if (pgtt == Pgtt.NESTED) {
            int width = Math.min(SecondStageFormat.levelsForAw(pe.addressWidth()) * 9 + 12, cap.mgaw());
            return (pe.firstStagePointer() >>> width) == 0; // SPT.4.4
        }
        return true;
    }

    static FaultReason secondStageWalkFault(WalkResult r) {
        return switch (r.status()) {
            case ABORT -> r.firstStep() == 0 && r.step() == 0 ? FaultReason.SS_TOP_ACCESS : FaultReason.SS_ENTRY_ACCESS;
            case RESERVED -> FaultReason.SS_ENTRY_RSVD;
            default -> FaultReason.SS_ENTRY_P;
        };
    }

    private static FaultReason permissionFault(Access access) {
        return switch (access) {
            case WRITE -> FaultReason.SM_WRITE;
            case EXEC -> FaultReason.EXECUTE;
            default -> FaultReason.SM_READ;
        };
    }

    // ---- second stage only, PGTT=010b (section 3.7) ----

    private Translation secondStageOnly(PasidEntry pe, int pasid, long iova, Access access) {
        int did = pe.domainId();
        outputStage = 2;
        IotlbEntry hit = caches.iotlb.lookup(did, pasid, iova);
        if (hit != null && usable(hit, hit.user(), access)) {
            return iotlbHit(hit.user());
        }
        SecondStageFormat format = secondStageFormats[SecondStageFormat.levelsForAw(pe.addressWidth())];
        int width = Math.min(format.inputWidth(), cap.mgaw());
        if ((iova >>> width) != 0) {
            return fault(FaultReason.SM_ADDR_BEYOND_AW, 2, Fault.NO_LEVEL, iova);
        }
        secondStageWalks++;
        WalkResult r = secondStage.walk(did, format, pe.secondStagePointer(), iova, trace, 0);
        if (!r.ok()) {
            return fault(secondStageWalkFault(r), 2, r.level(), iova);
        }
        int flags = NestedStageTwo.effective(secondStage.flags, pe.secondStageExecuteEnable());
        if ((flags & (Permissions.READ | Permissions.WRITE)) == 0) {
            return fault(FaultReason.SS_ENTRY_P, 2, r.level(), iova); // SSS.2: neither R nor W overall
        }
        if ((flags & access.permission()) == 0) {
            return fault(permissionFault(access), 2, r.level(), iova);
        }
        boolean writeReady = true;
        if (pe.secondStageAccessDirtyEnable()) {
            if (secondStageNeedsUpdate(r, access == Access.WRITE) && !pageWalksSnooped(pe)) {
                return fault(FaultReason.SS_AD_NOT_SNOOPED, 2, r.level(), iova);
            }
            secondStage.updateAccessedDirty(r, access == Access.WRITE);
            writeReady = access == Access.WRITE || Bits.bit(r.lastEntry(), SecondStageFormat.D);
        }
        TranslationResult result = new TranslationResult(r.address(), r.pageSize(), flags, 0);
        caches.iotlb.fill(did, pasid, IotlbEntry.Kind.SECOND_STAGE, iova & ~(r.pageSize() - 1), result, result,
                writeReady);
        return result;
    }

    // ---- first stage (3.6) and nested (3.8) ----

    private Translation firstStage(PasidEntry pe, int pasid, long iova, Access access, boolean privileged,
                                   boolean nested) {
        int did = pe.domainId();
        outputStage = nested ? 2 : 1;
        FirstStageFormat format = firstStageFormats[pe.firstStagePagingMode() == PasidEntry.FLPM_5LEVEL ? 5 : 4];
        if (!format.canonical(iova)) {
            return fault(FaultReason.FS_NON_CANONICAL, 1, Fault.NO_LEVEL, iova);
        }
        IotlbEntry hit = caches.iotlb.lookup(did, pasid, iova);
        if (hit != null) {
            TranslationResult r = privileged ? hit.supervisor() : hit.user();
            if (usable(hit, r, access)) {
                return iotlbHit(r);
            }
        }
        int levels = format.levels();
        int startStep = 0;
        long table = pe.firstStagePointer();
        int acc = FS_ALL;
        PagingStructureCache psc = caches.firstStage;
        if (psc.enabled()) {
            for (int step = levels - 2; step >= 0; step--) {
                PagingStructureCache.Entry e = psc.lookup(did, pasid, levels, step, iova >>> format.indexShift(step));
                if (e != null) {
                    startStep = step + 1;
                    table = e.table();
                    acc = e.flags();
                    break;
                }
            }
        }
        WalkResult s1;
        NestedStageTwo stage2 = null;
        long outputBase;
        long pageSize;
        if (nested) {
            nestedWalks++;
            SecondStageFormat ssFormat = secondStageFormats[SecondStageFormat.levelsForAw(pe.addressWidth())];
            stage2 = nestedStageTwo.begin(did, ssFormat, pe.secondStagePointer(), cap.mgaw(),
                    pe.secondStageExecuteEnable(), startStep);
            NestedWalkResult nr = NestedWalker.walkFrom(memory, format, startStep, table, iova, stage2, trace,
                    firstStageEntries, firstStageAddresses);
            s1 = nr.stage1();
            if (nr.status() == NestedWalkResult.Status.STAGE2_FAULT && nr.tableFetch()) {
                return fault(stage2.fault, 2, nr.stage2().level(), nr.ipa());
            }
            if (nr.status() == NestedWalkResult.Status.STAGE1_FAULT) {
                return fault(firstStageWalkFault(s1), 1, s1.level(), iova);
            }
            // The stage-1 walk completed; a failed output translation is checked after stage-1 permissions.
            outputBase = nr.outputAddress();
            pageSize = nr.pageSize();
            if (nr.status() == NestedWalkResult.Status.STAGE2_FAULT) {
                Translation denied = firstStagePermissions(s1, startStep, acc, access, privileged, pe, iova);
                if (denied != null) {
                    return denied;
                }
                return fault(stage2.fault, 2, nr.stage2().level(), nr.ipa());
            }
        } else {
            firstStageWalks++;
            s1 = Walker.walkFrom(memory, format, startStep, table, iova, 1, trace, firstStageEntries,
                    firstStageAddresses);
            if (!s1.ok()) {
                return fault(firstStageWalkFault(s1), 1, s1.level(), iova);
            }
            outputBase = s1.address();
            pageSize = s1.pageSize();
        }
        Translation denied = firstStagePermissions(s1, startStep, acc, access, privileged, pe, iova);
        if (denied != null) {
            return denied;
        }
        int userPerms = Permissions.RWX;
        int supervisorPerms = Permissions.RWX;
        if (nested) {
            int ss = stage2.outputFlags;
            if ((ss & (Permissions.READ | Permissions.WRITE)) == 0) {
                return fault(FaultReason.SS_ENTRY_P, 2, stage2.outputWalk.level(), s1.address());
            }
            if ((ss & access.permission()) == 0) {
                return fault(permissionFault(access), 2, stage2.outputWalk.level(), s1.address());
            }
            userPerms &= ss;
            supervisorPerms &= ss;
            // Accessed/dirty writes to first-stage tables need write access to their pages in stage 2.
            for (int s = startStep; s <= s1.step(); s++) {
                if (firstStageEntryNeedsUpdate(s1, s, access == Access.WRITE, pe.extendedAccessedFlagEnable())
                        && (stage2.tableFlags[s] & Permissions.WRITE) == 0) {
                    return fault(FaultReason.FS_ENTRY_SS_WRITE, 2, s1.level(), iova);
                }
            }
        }
        boolean write = access == Access.WRITE;
        boolean eafe = pe.extendedAccessedFlagEnable();
        boolean fsUpdate = false;
        for (int s = startStep; s <= s1.step(); s++) {
            fsUpdate |= firstStageEntryNeedsUpdate(s1, s, write, eafe);
        }
        // SFS.9 / SSS.5: hardware cannot set A/D flags in structures it does not walk coherently.
        if (fsUpdate && !pageWalksSnooped(pe)) {
            return fault(FaultReason.FS_AD_NOT_SNOOPED, 1, s1.level(), iova);
        }
        if (nested && pe.secondStageAccessDirtyEnable()) {
            boolean ssUpdate = secondStageNeedsUpdate(stage2.outputWalk, write);
            for (int s = startStep; s <= s1.step(); s++) {
                if (stage2.tableWalks[s] != null) {
                    ssUpdate |= secondStageNeedsUpdate(stage2.tableWalks[s],
                            firstStageEntryNeedsUpdate(s1, s, write, eafe));
                }
            }
            if (ssUpdate && !pageWalksSnooped(pe)) {
                return fault(FaultReason.SS_AD_NOT_SNOOPED, 2, s1.level(), iova);
            }
        }
        if (nested && pe.secondStageAccessDirtyEnable()) {
            secondStage.updateAccessedDirty(stage2.outputWalk, write);
            // The first-stage A/D writes are writes to those table pages: their stage-2 leaves get D.
            for (int s = startStep; s <= s1.step(); s++) {
                if (stage2.tableWalks[s] != null) {
                    secondStage.updateAccessedDirty(stage2.tableWalks[s],
                            firstStageEntryNeedsUpdate(s1, s, write, eafe));
                }
            }
        }
        updateFirstStageAccessedDirty(s1, startStep, write, eafe);
        // Paging-structure cache: the non-leaf levels just walked, now that their A flags are set.
        if (psc.enabled()) {
            long[] entries = s1.entries();
            int f = acc;
            for (int s = startStep; s < s1.step(); s++) {
                f = accumulate(f, entries[s]);
                psc.fill(did, pasid, levels, s, iova >>> format.indexShift(s), format.nextTable(entries[s], s), f);
            }
        }
        int flags = accumulateAll(acc, s1, startStep);
        int user = (flags & FS_USER) != 0 ? userPerms & maskFor(flags, false, pe) : 0;
        int supervisor = supervisorPerms & maskFor(flags, true, pe);
        long base = outputBase & ~(pageSize - 1);
        TranslationResult ru = new TranslationResult(base, pageSize, user, 0);
        TranslationResult rs = new TranslationResult(base, pageSize, supervisor, 0);
        boolean writeReady = access == Access.WRITE || Bits.bit(s1.lastEntry(), FirstStageFormat.D);
        if (nested && pe.secondStageAccessDirtyEnable()) {
            writeReady &= access == Access.WRITE || Bits.bit(stage2.outputWalk.lastEntry(), SecondStageFormat.D);
        }
        caches.iotlb.fill(did, pasid, nested ? IotlbEntry.Kind.NESTED : IotlbEntry.Kind.FIRST_STAGE,
                iova & ~(pageSize - 1), ru, rs, writeReady);
        return privileged ? rs : ru;
    }

    /** Permissions the accumulated first-stage flags grant to a user or supervisor request. */
    private static int maskFor(int flags, boolean supervisor, PasidEntry pe) {
        int p = Permissions.READ;
        boolean writable = (flags & FS_WRITABLE) != 0 || (supervisor && !pe.writeProtectEnable());
        if (writable) {
            p |= Permissions.WRITE;
        }
        if ((flags & FS_NO_EXEC) == 0) {
            p |= Permissions.EXEC;
        }
        return p;
    }

    private static int accumulate(int flags, long entry) {
        int f = flags;
        if (!Bits.bit(entry, FirstStageFormat.RW)) {
            f &= ~FS_WRITABLE;
        }
        if (!Bits.bit(entry, FirstStageFormat.US)) {
            f &= ~FS_USER;
        }
        if (Bits.bit(entry, FirstStageFormat.XD)) {
            f |= FS_NO_EXEC;
        }
        return f;
    }

    private static int accumulateAll(int start, WalkResult s1, int startStep) {
        int f = start;
        for (int s = startStep; s <= s1.step(); s++) {
            f = accumulate(f, s1.entries()[s]);
        }
        return f;
    }

    /** The first-stage permission checks of section 3.6.2, in the specification's order. */
    private Translation firstStagePermissions(WalkResult s1, int startStep, int acc, Access access,
                                              boolean privileged, PasidEntry pe, long iova) {
        int flags = accumulateAll(acc, s1, startStep);
        if (!privileged && (flags & FS_USER) == 0) {
            return fault(FaultReason.PRIVILEGE, 1, s1.level(), iova);
        }
        if ((maskFor(flags, privileged, pe) & access.permission()) == 0) {
            return fault(permissionFault(access), 1, s1.level(), iova);
        }
        return null;
    }

    private static FaultReason firstStageWalkFault(WalkResult r) {
        return switch (r.status()) {
            case ABORT -> r.firstStep() == 0 && r.step() == 0 ? FaultReason.FS_TOP_ACCESS : FaultReason.FS_ENTRY_ACCESS;
            case RESERVED -> FaultReason.FS_ENTRY_RSVD;
            default -> FaultReason.FS_ENTRY_P;
        };
    }

    /** Whether walking step {@code s} makes the hardware set A (EA with EAFE) or, at a written leaf, D. */
    private static boolean firstStageEntryNeedsUpdate(WalkResult s1, int s, boolean write, boolean eafe) {
        long e = s1.entries()[s];
        return !Bits.bit(e, FirstStageFormat.A) || (eafe && !Bits.bit(e, FirstStageFormat.EA))
                || (write && s == s1.step() && !Bits.bit(e, FirstStageFormat.D));
    }

    /** Whether a second-stage walk (SSADE=1) must set A somewhere or, for a write, D on its leaf. */
    private static boolean secondStageNeedsUpdate(WalkResult r, boolean write) {
        for (int s = r.firstStep(); s <= r.step(); s++) {
            long e = r.entries()[s];
            if (!Bits.bit(e, SecondStageFormat.A) || (write && s == r.step() && !Bits.bit(e, SecondStageFormat.D))) {
                return true;
            }
        }
        return false;
    }

    /** ECAP.SMPWCS and PWSNP: the unit's walks snoop, so it may update A/D flags (section 3.10). */
    private boolean pageWalksSnooped(PasidEntry pe) {
        return ecap.has(Ecap.SMPWCS) && pe.pageWalkSnoop();
    }

    /** Sets A (and EA with EAFE) on every entry walked and D on the leaf of a write (section 3.6.2). */
    private void updateFirstStageAccessedDirty(WalkResult s1, int startStep, boolean write, boolean eafe) {
        long[] entries = s1.entries();
        long[] addresses = s1.entryAddresses();
        for (int s = startStep; s <= s1.step(); s++) {
            long e = entries[s];
            long updated = Bits.withBit(e, FirstStageFormat.A, true);
            if (eafe) {
                updated = Bits.withBit(updated, FirstStageFormat.EA, true);
            }
            if (write && s == s1.step()) {
                updated = Bits.withBit(updated, FirstStageFormat.D, true);
            }
            if (updated != e) {
                memory.compareAndSet64(addresses[s], e, updated, AccessPurpose.PAGE_WALK);
            }
        }
    }
}
