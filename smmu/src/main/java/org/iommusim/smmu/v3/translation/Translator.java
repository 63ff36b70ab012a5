package org.iommusim.smmu.v3.translation;

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
import org.iommusim.core.walk.PageTableFormat;
import org.iommusim.core.walk.StageTwo;
import org.iommusim.core.walk.WalkResult;
import org.iommusim.core.walk.WalkTrace;
import org.iommusim.core.walk.Walker;
import org.iommusim.smmu.v3.cache.Stage2Leaf;
import org.iommusim.smmu.v3.cache.Tlb;
import org.iommusim.smmu.v3.cache.TlbEntry;
import org.iommusim.smmu.v3.cache.WalkCache;
import org.iommusim.smmu.v3.cache.WalkCacheEntry;
import org.iommusim.smmu.v3.cd.CdValidator;
import org.iommusim.smmu.v3.cd.ContextDescriptor;
import org.iommusim.smmu.v3.cd.ContextDescriptorTable;
import org.iommusim.smmu.v3.cd.Stage1Config;
import org.iommusim.smmu.v3.cd.TranslationTableHalf;
import org.iommusim.smmu.v3.event.EventRecord;
import org.iommusim.smmu.v3.event.EventType;
import org.iommusim.smmu.v3.registers.IdRegisters;
import org.iommusim.smmu.v3.stall.StallTable;
import org.iommusim.smmu.v3.ste.Stage2Config;
import org.iommusim.smmu.v3.ste.SteValidator;
import org.iommusim.smmu.v3.ste.StreamConfig;
import org.iommusim.smmu.v3.ste.StreamTable;
import org.iommusim.smmu.v3.ste.StreamTableEntry;
import org.iommusim.smmu.vmsa.Granule;
import org.iommusim.smmu.vmsa.VmsaDescriptor;
import org.iommusim.smmu.vmsa.VmsaFormat;
import org.iommusim.smmu.vmsa.VmsaPermissions;

/**
 * The translation path of one SMMUv3 (IHI 0070 chapter 3.2-3.4, 3.9, chapter 5, 7.3.22): StreamID ->
 * STE -> (SubstreamID, S1DSS) -> CD -> TLB -> stage-1 / stage-2 / nested walk -> permission checks ->
 * TLB fill, each configuration structure through the configuration cache and each walk through the walk
 * caches. Every failure becomes a {@link Fault} and, unless the STE/CD R bits suppress it, an event
 * record.
 *
 * <p>In a nested walk the final stage-2 translation of the stage-1 output is made after the stage-1
 * access flag and permission checks, which take priority over it; the stage-1 table fetches and the CD
 * fetch go through stage 2 first (CLASS=TT and CLASS=CD on a stage-2 fault).
 */
public final class Translator {
    /** Receives event records. */
    @FunctionalInterface
    public interface EventSink {
        void record(EventRecord r);
    }

    /** Fault code of an abort that records no event (STE.Config abort, GBPA.ABORT). */
    public static final int ABORT_NO_EVENT = 0;

    /** log2 of the page and block sizes of each granule (by ordinal): the sizes a TLB lookup probes. */
    static final int[][] GRANULE_SIZES = {{12, 21, 30}, {14, 25}, {16, 29}};
    private static final int[][][] NESTED_SIZES = new int[3][3][];

    static {
        for (Granule a : Granule.values()) {
            for (Granule b : Granule.values()) {
                int[] x = GRANULE_SIZES[a.ordinal()];
                int[] y = GRANULE_SIZES[b.ordinal()];
                NESTED_SIZES[a.ordinal()][b.ordinal()] = java.util.stream.IntStream
                        .concat(java.util.Arrays.stream(x), java.util.Arrays.stream(y)).distinct().toArray();
            }
        }
    }

    private final PhysicalMemory memory;
    private final IdRegisters id;
    private final Caches caches;
    private final EventSink events;
    private final Stage2Walk stage2;
    private final StallTable stalls;
    private WalkTrace trace = WalkTrace.NONE;

    private long translations;
    /** The stage-1 walk's arrays, reused: a translation uses its walk only until it returns. */
    private final long[] stage1Entries = new long[8];
    private final long[] stage1Addresses = new long[8];
    /** Stage 2 as the nested walker sees it, for the nested walk in progress (built once, not per walk). */
    private final StageTwo nestedStageTwo = (ipa, tableFetch, t) -> nestedStage2(ipa, tableFetch);
    /** The stage-2 configuration of the nested walk in progress. */
    private Stage2Config nestedConfig;
    /**
     * Where the current translation's cache hits were, for the SMMU's hit memo: set when the STE (and
     * the CD) came from the configuration cache and the TLB entry was usable as it was.
     */
    private boolean configHit;
    private boolean pureHit;
    private int steSlot;
    private int cdSlot;
    private int tlbSlot;
    private int tlbProbes;
    private long faults;
    private long walks;
    private long eventsSuppressed;

    // scratch of the request in progress (the model is single-threaded)
    private TranslationRequest request;
    private boolean e2h;
    /** The fault a helper that returns a sentinel (-1, null) produced. */
    private Fault lastFault;

    public Translator(PhysicalMemory memory, IdRegisters id, Caches caches, StallTable stalls, EventSink events) {
        this.memory = memory;
        this.stalls = stalls;
        this.id = id;
        this.caches = caches;
        this.events = events;
        this.stage2 = new Stage2Walk(memory, id, caches);
    }

    /** Receives every page-table reference of later walks (for explainers and reference-counting tests). */
    public void setTrace(WalkTrace trace) {
        this.trace = trace == null ? WalkTrace.NONE : trace;
        stage2.setTrace(this.trace);
    }

    /**
     * Translates one request with SMMUEN=1.
     *
     * @param recordBadStreamId CR2.RECINVSID
     */
    public Translation translate(TranslationRequest req, long strtabBase, int strtabBaseCfg,
                                 boolean recordBadStreamId, boolean e2h) {
        translations++;
        request = req;
        this.e2h = e2h;
        pureHit = false;
        cdSlot = -1;
        int sid = req.sourceId();
        int ssid = req.pasid();
        if (ssid >= 0 && id.ssidSize() != 0 && (ssid >>> id.ssidSize()) != 0) {
            return configFault(EventType.F_UUT, ssid, true, 0);
        }
        StreamConfig sc = streamConfig(strtabBase, strtabBaseCfg, recordBadStreamId, true);
        if (sc == null) {
            return lastFault;
        }
        StreamTableEntry ste = sc.ste();
        if (ste.aborts()) {
            faults++;
            return new Fault(ABORT_NO_EVENT, "STE_ABORT", 0, Fault.NO_LEVEL, req.iova());
        }
        if (!ste.stage1Enabled()) {
            if (ssid >= 0) {
                return configFault(EventType.C_BAD_SUBSTREAMID, ssid, true, 0);
            }
            return sc.stage2() == null ? bypass(req) : stage2Only(sc.stage2(), req);
        }
        int cdIndex;
        int cdMax = ste.s1CdMax();
        boolean substreams = cdMax != 0 && id.ssidSize() != 0;
        if (ssid >= 0) {
            if (!substreams || (ssid >>> cdMax) != 0) {
                return configFault(EventType.C_BAD_SUBSTREAMID, ssid, true, 0);
            }
            if (ssid == 0 && ste.s1Dss() == StreamTableEntry.S1DSS_SSID0) {
                return configFault(EventType.F_STREAM_DISABLED, ssid, true, 0);
            }
            cdIndex = ssid;
        } else if (substreams) {
            switch (ste.s1Dss()) {
                case StreamTableEntry.S1DSS_BYPASS:
                    return sc.stage2() == null ? bypass(req) : stage2Only(sc.stage2(), req);
                case StreamTableEntry.S1DSS_SSID0:
                    cdIndex = 0;
                    break;
                default:
                    return configFault(EventType.F_STREAM_DISABLED, ssid, true, 0);
            }
        } else {
            cdIndex = 0;
        }
        Stage1Config s1 = caches.config.cd(sid, cdIndex);
        if (s1 != null) {
            cdSlot = caches.config.cdCache().lastHitSlot();
        } else {
            configHit = false;
            s1 = fetchCd(sc, cdIndex);
            if (s1 == null) {
                return lastFault;
            }
            caches.config.fillCd(sid, cdIndex, s1);
        }
        return stage1(sc, s1, req);
    }

    /**
     * An ATS Translated transaction (3.9.1.3): the device sends an address its ATC already translated.
     * Without IDR0.ATS no Translated traffic can pass (5.2, EATS); with SMMUEN=0 it is terminated with
     * F_TRANSL_FORBIDDEN (6.3.9.6, 7.3.8). With CR0.ATSCHK=0 it bypasses without a Stream table lookup;
     * with ATSCHK=1 the STE decides: configuration errors and Config=abort terminate it silently
     * (CR2.REC_CFG_ATS is not implemented, so no event), Config=bypass and an effective EATS of 0b00
     * terminate it with F_TRANSL_FORBIDDEN, Full ATS (0b01) lets it bypass and Split-stage ATS (0b10)
     * translates its IPA at stage 2, faulting as an ordinary transaction does.
     *
     * <p>IDR3.PASIDTT is 0 in this model, so the transaction is treated as SSV=0, PnU=0, InD=0 whatever
     * it carried (3.9.1.3).
     */
    public Translation translateTranslated(TranslationRequest req, boolean smmuEnabled, boolean atsCheck,
                                           long strtabBase, int strtabBaseCfg) {
        translations++;
        boolean asIs = !req.hasPasid() && !req.privileged() && req.access() != Access.EXEC;
        request = asIs ? req : new TranslationRequest(req.sourceId(), TranslationRequest.NO_PASID, req.iova(),
                req.access() == Access.EXEC ? Access.READ : req.access(), false, true);
        if (!id.ats()) {
            return silentAbort("ATS_NOT_IMPLEMENTED");
        }
        if (!smmuEnabled) {
            return translatedForbidden();
        }
        if (!atsCheck) {
            return translatedBypass();
        }
        StreamConfig sc = streamConfig(strtabBase, strtabBaseCfg, false, false);
        if (sc == null) {
            return lastFault;
        }
        StreamTableEntry ste = sc.ste();
        if (ste.aborts()) {
            return silentAbort("STE_ABORT");
        }
        return switch (effectiveEats(ste)) {
            case StreamTableEntry.EATS_FULL -> translatedBypass();
            case StreamTableEntry.EATS_SPLIT -> stage2Only(sc.stage2(), request);
            default -> translatedForbidden();
        };
    }

    /** STE.EATS as it applies (5.2): 0b00 for Config=bypass and for the Reserved 0b11 (no DPT). */
    private static int effectiveEats(StreamTableEntry ste) {
        int eats = ste.eats();
        if (ste.config() == StreamTableEntry.CONFIG_BYPASS || eats == StreamTableEntry.EATS_DPT) {
            return StreamTableEntry.EATS_NONE;
        }
        return eats;
    }

    /**
     * A Translated transaction allowed to bypass: only the address size check (3.9.1.1). An address
     * above IDR5.OAS is, of the two IMPLEMENTATION DEFINED choices, terminated with no event.
     */
    private Translation translatedBypass() {
        long pa = request.iova();
        if ((pa >>> id.oasBits()) != 0) {
            return silentAbort("TRANSLATED_ADDR_SIZE");
        }
        return new TranslationResult(pa & ~0xFFFL, 0x1000, Permissions.RWX, 0);
    }

    private Fault translatedForbidden() {
        faults++;
        events.record(EventRecord.translatedForbidden(request.sourceId(), request.iova(),
                request.access() != Access.WRITE));
        return new Fault(EventType.F_TRANSL_FORBIDDEN, EventType.name(EventType.F_TRANSL_FORBIDDEN), 0,
                Fault.NO_LEVEL, request.iova());
    }

    /** A termination that records no event; {@code why} names the cause. */
    private Fault silentAbort(String why) {
        faults++;
        lastFault = new Fault(ABORT_NO_EVENT, why, 0, Fault.NO_LEVEL, request.iova());
        return lastFault;
    }

    // ---- configuration ----

    /**
     * The configuration of the request's stream through the STE cache; null with {@link #lastFault} set
     * when there is none. An untranslated transaction records the configuration event; an ATS Translated
     * one ({@code ordinary} false) is terminated without one (3.9.1.3, CR2.REC_CFG_ATS=0).
     */
    private StreamConfig streamConfig(long strtabBase, int strtabBaseCfg, boolean recordBadStreamId,
                                      boolean ordinary) {
        int sid = request.sourceId();
        StreamConfig sc = caches.config.ste(sid);
        configHit = sc != null;
        if (sc != null) {
            steSlot = caches.config.steCache().lastHitSlot();
            return sc;
        }
        StreamTable.Location loc = StreamTable.locate(memory, strtabBase, strtabBaseCfg, id, sid);
        if (!loc.found()) {
            boolean record = loc.event() != EventType.C_BAD_STREAMID || recordBadStreamId;
            streamFault(loc.event(), record, loc.address(), ordinary);
            return null;
        }
        StreamTableEntry ste = StreamTable.read(memory, loc.address());
        if (!ste.valid()) {
            streamFault(EventType.C_BAD_STE, true, 0, ordinary);
            return null;
        }
        if (ste.aborts() || ste.config() == StreamTableEntry.CONFIG_BYPASS) {
            sc = new StreamConfig(ste, null);
        } else {
            sc = SteValidator.decode(ste, id);
            if (sc == null) {
                streamFault(EventType.C_BAD_STE, true, 0, ordinary);
                return null;
            }
        }
        caches.config.fillSte(sid, sc);
        return sc;
    }

    private void streamFault(int type, boolean record, long fetchAddress, boolean ordinary) {
        if (ordinary) {
            configFault(type, request.pasid(), record, fetchAddress);
        } else {
            silentAbort("TRANSLATED_" + EventType.name(type));
        }
    }

    /** Fetches and validates the CD; null with {@link #lastFault} set (and its event recorded) when refused. */
    private Stage1Config fetchCd(StreamConfig sc, int cdIndex) {
        StreamTableEntry ste = sc.ste();
        int ssid = request.pasid();
        long address;
        int cdMax = ste.s1CdMax();
        if (cdMax == 0 || id.ssidSize() == 0) {
            address = ste.s1ContextPtr();
        } else if (ste.s1Fmt() == StreamTableEntry.S1FMT_LINEAR) {
            address = ContextDescriptorTable.linearEntry(ste.s1ContextPtr(), cdMax, cdIndex);
        } else {
            long l1Address = ContextDescriptorTable.l1Entry(ste.s1ContextPtr(), cdMax, ste.s1Fmt(), cdIndex);
            long pa = configAddress(sc, l1Address, 8);
            if (pa < 0) {
                return null;
            }
            long l1 = memory.read64(pa, AccessPurpose.CONFIG_FETCH);
            if (!ContextDescriptorTable.l1Valid(l1)) {
                configFault(EventType.C_BAD_SUBSTREAMID, ssid, true, 0);
                return null;
            }
            address = ContextDescriptorTable.l2Entry(l1, ste.s1Fmt(), cdIndex);
        }
        long pa = configAddress(sc, address, ContextDescriptor.SIZE);
        if (pa < 0) {
            return null;
        }
        byte[] raw = new byte[ContextDescriptor.SIZE];
        memory.readBytes(pa, raw, 0, raw.length, AccessPurpose.CONFIG_FETCH);
        ContextDescriptor cd = new ContextDescriptor(word(raw, 0), word(raw, 1), word(raw, 2), word(raw, 3));
        Stage1Config s1 = CdValidator.decode(cd, id, ste.s1Stalld());
        if (s1 == null) {
            configFault(EventType.C_BAD_CD, ssid, true, 0);
        }
        return s1;
    }

    /**
     * The physical address of a CD-table structure: an IPA translated by stage 2 when stage 2 is enabled.
     * Returns -1 with {@link #lastFault} set on a stage-2 fault (CLASS=CD) or a fetch abort (F_CD_FETCH).
     */
    private long configAddress(StreamConfig sc, long address, int size) {
        long pa = address;
        if (sc.stage2() != null) {
            if (!stage2.translate(sc.stage2(), address, request, true)) {
                lastFault = stage2Fault(sc.stage2(), address, EventRecord.CLASS_CD);
                return -1;
            }
            pa = stage2.leaf().translate(address);
        }
        if (!memory.inRange(pa, size)) {
            lastFault = configFault(EventType.F_CD_FETCH, request.pasid(), true, pa);
            return -1;
        }
        return pa;
    }

    private Fault configFault(int type, int ssid, boolean record, long fetchAddress) {
        faults++;
        if (record) {
            boolean fetch = type == EventType.F_STE_FETCH || type == EventType.F_CD_FETCH;
            EventRecord r = fetch ? EventRecord.fetchAbort(type, request.sourceId(), ssid, fetchAddress)
                    : EventRecord.config(type, request.sourceId(), ssid);
            events.record(r);
        } else {
            eventsSuppressed++;
        }
        Fault f = new Fault(type, EventType.name(type), 0, Fault.NO_LEVEL, request.iova());
        lastFault = f;
        return f;
    }

    // ---- bypass and stage 2 only ----

    private Translation bypass(TranslationRequest req) {
        long iova = req.iova();
        if ((iova >>> id.oasBits()) != 0) {
            return translationFault(EventType.F_ADDR_SIZE, 1, Fault.NO_LEVEL, EventRecord.CLASS_IN, 0, true, false);
        }
        return new TranslationResult(iova & ~0xFFFL, 0x1000, Permissions.RWX, 0);
    }

    private Translation stage2Only(Stage2Config s2, TranslationRequest req) {
        long ipa = req.iova();
        VmsaFormat f = s2.format();
        int[] sizes = GRANULE_SIZES[f.granule().ordinal()];
        TlbEntry hit = caches.tlb.lookup(s2.vmid(), 0, Tlb.REGIME_S2, false, ipa, sizes);
        if (hit != null) {
            TranslationResult r = hit.result(req.privileged());
            if (r.permits(req.access()) && !(hit.writeClean() && req.access() == Access.WRITE)) {
                return tlbHit(r);
            }
        }
        if ((ipa >>> id.oasBits()) != 0) {
            return translationFault(EventType.F_ADDR_SIZE, 1, Fault.NO_LEVEL, EventRecord.CLASS_IN, 0, true, false);
        }
        if (!stage2.translate(s2, ipa, request, false)) {
            return stage2Fault(s2, ipa, EventRecord.CLASS_IN);
        }
        Stage2Leaf leaf = stage2.leaf();
        long d = leaf.descriptor();
        int unpriv = VmsaPermissions.stage2(d, false, s2.hd(), id.xnx());
        int priv = VmsaPermissions.stage2(d, true, s2.hd(), id.xnx());
        long size = 1L << leaf.log2Size();
        TranslationResult ru = new TranslationResult(leaf.pageBase(), size, unpriv, 0);
        TranslationResult rp = new TranslationResult(leaf.pageBase(), size, priv, 0);
        if (caches.tlb.enabled()) {
            caches.tlb.fill(new TlbEntry(s2.vmid(), 0, false, Tlb.REGIME_S2, ipa & -size, ipa & -size,
                    leaf.log2Size(), f.granule().pageShift(), leaf.level(), ru, rp,
                    s2.hd() && VmsaDescriptor.stage2WritableClean(d)));
        }
        return req.privileged() ? rp : ru;
    }

    private Fault stage2Fault(Stage2Config s2, long ipa, int clazz) {
        return stage2Fault(s2, ipa, clazz, false);
    }

    private Fault stage2Fault(Stage2Config s2, long ipa, int clazz, boolean ttWrite) {
        faults++;
        int s2Event = stage2.event();
        boolean eabt = s2Event == EventType.F_WALK_EABT;
        int stag = stallTag(s2Event, s2.stall());
        boolean record = !EventType.translationRelated(s2Event) || s2.record() || stag >= 0;
        if (record) {
            events.record(new EventRecord(s2Event, request.sourceId(), request.pasid(), request.iova(),
                    eabt ? stage2.fetchAddress() : ipa, eabt, request.access() != Access.WRITE,
                    request.access() == Access.EXEC, request.privileged(), true, clazz, ttWrite, stag >= 0,
                    Math.max(stag, 0)));
        } else {
            eventsSuppressed++;
        }
        return new Fault(s2Event, EventType.name(s2Event), 2, stage2.level(), ipa);
    }

    private Fault translationFault(int type, int stage, int level, int clazz, long fetchAddress, boolean record,
                                   boolean stall) {
        faults++;
        int stag = stallTag(type, stall);
        if (record || stag >= 0 || !EventType.translationRelated(type)) {
            boolean eabt = type == EventType.F_WALK_EABT;
            events.record(new EventRecord(type, request.sourceId(), request.pasid(), request.iova(),
                    eabt ? fetchAddress : 0, eabt, request.access() != Access.WRITE,
                    request.access() == Access.EXEC, request.privileged(), false, clazz, false, stag >= 0,
                    Math.max(stag, 0)));
        } else {
            eventsSuppressed++;
        }
        return new Fault(type, EventType.name(type), stage, level, request.iova());
    }

    /**
     * A translation-related fault in a stream configured to stall is held (its record is then always
     * written, with Stall=1 and the STAG); returns the STAG, or -1 when the transaction terminates.
     */
    private int stallTag(int type, boolean stall) {
        return stall && EventType.translationRelated(type) ? stalls.stall(request.sourceId()) : -1;
    }

    // ---- stage 1 (and nested) ----

    private Translation stage1(StreamConfig sc, Stage1Config s1, TranslationRequest req) {
        long va = req.iova();
        int half = (int) ((va >>> 55) & 1);
        Stage2Config s2 = sc.stage2();
        int regime = s2 != null ? Tlb.REGIME_NESTED
                : sc.ste().strw() == 2 && id.hyp() ? Tlb.REGIME_S1_EL2 : Tlb.REGIME_S1;
        // the EL2 regime without E2H has one VA range (TTB0), one privilege level and no ASIDs
        boolean el2Only = regime == Tlb.REGIME_S1_EL2 && !e2h;
        TranslationTableHalf h = s1.half(half);
        if (el2Only && half == 1) {
            return translationFault(EventType.F_TRANSLATION, 1, Fault.NO_LEVEL, EventRecord.CLASS_IN, 0, s1.record(), s1.stall());
        }
        long top = va >>> 56;
        if (!h.tbi() && top != (half == 0 ? 0 : 0xFF)) {
            return translationFault(EventType.F_TRANSLATION, 1, Fault.NO_LEVEL, EventRecord.CLASS_IN, 0, s1.record(), s1.stall());
        }
        if (h.disabled()) {
            return translationFault(EventType.F_TRANSLATION, 1, Fault.NO_LEVEL, EventRecord.CLASS_IN, 0, s1.record(), s1.stall());
        }
        VmsaFormat f = h.format();
        int ia = f.inputBits();
        long rangeBits = (va << 8) >> (ia + 8); // bits [55:IA], sign-extended from bit 55
        if (rangeBits != (half == 0 ? 0 : -1L)) {
            return translationFault(EventType.F_TRANSLATION, 1, f.startLevel(), EventRecord.CLASS_IN, 0,
                    s1.record(), s1.stall());
        }
        long input = (va << 8) >> 8; // top byte replaced by copies of bit 55
        int vmid = sc.vmid();
        int[] sizes = s2 == null ? GRANULE_SIZES[f.granule().ordinal()]
                : NESTED_SIZES[f.granule().ordinal()][s2.format().granule().ordinal()];
        TlbEntry hit = caches.tlb.lookup(vmid, s1.asid(), regime, true, input, sizes);
        if (hit != null) {
            TranslationResult r = hit.result(req.privileged());
            if (r.permits(req.access()) && !(hit.writeClean() && req.access() == Access.WRITE)) {
                return tlbHit(r);
            }
        }
        walks++;
        PageTableFormat wf = h.walkFormat();
        long tag = WalkCache.tag(1, vmid, s1.asid(), half, f.granule().pageShift());
        WalkCacheEntry start = caches.stage1Walk.lookup(tag, f, input);
        int firstStep = start == null ? 0 : start.level() - f.startLevel();
        long table = start == null ? h.ttb() : start.table();
        long inheritedBits = start == null ? 0 : start.tableBits();
        WalkResult w;
        if (s2 == null) {
            w = Walker.walkFrom(memory, wf, firstStep, table, input, 1, trace, stage1Entries, stage1Addresses);
        } else {
            nestedConfig = s2;
            NestedWalkResult n = NestedWalker.walkFrom(memory, wf, firstStep, table, input, nestedStageTwo, trace,
                    stage1Entries, stage1Addresses);
            if (n.status() == NestedWalkResult.Status.STAGE2_FAULT) {
                return stage2Fault(s2, n.ipa(), EventRecord.CLASS_TT);
            }
            w = n.stage1();
        }
        if (!w.ok()) {
            int type = Stage2Walk.failure(f, w, h.value(w.lastEntry()));
            // a stage-1 walk fault is CLASS=IN, except an external abort on a table fetch (CLASS=TT)
            int clazz = type == EventType.F_WALK_EABT ? EventRecord.CLASS_TT : EventRecord.CLASS_IN;
            return translationFault(type, 1, w.level(), clazz, w.address(),
                    type == EventType.F_WALK_EABT || s1.record(), s1.stall());
        }
        if (caches.stage1Walk.enabled()) {
            caches.stage1Walk.fill(tag, f, input, w.entries(), w.firstStep(), w.step(), inheritedBits,
                    e -> wf.nextTable(e, 0), e -> h.value(e) & VmsaDescriptor.HIERARCHICAL_MASK);
        }
        long tableBits = inheritedBits;
        for (int s = w.firstStep(); s < w.step(); s++) {
            tableBits |= h.value(w.entries()[s]) & VmsaDescriptor.HIERARCHICAL_MASK;
        }
        if (h.had()) {
            tableBits = 0;
        }
        long d = h.value(w.lastEntry());
        long entryAddress = w.entryAddresses()[w.step()];
        if (!VmsaDescriptor.accessFlag(d)) {
            if (s1.ha()) {
                if (!stage1TableWritable(s2, wf, w, table, input)) {
                    return lastFault;
                }
                d = Stage2Walk.update(memory, entryAddress, d, VmsaDescriptor.withAccessFlag(d), h.bigEndian());
            } else if (!s1.affd()) {
                return translationFault(EventType.F_ACCESS, 1, w.level(), EventRecord.CLASS_IN, 0, s1.record(), s1.stall());
            }
        }
        long permissionBits = d;
        if (el2Only) {
            // one privilege level: AP[1] is RES1, PXN and the unprivileged table controls do not apply
            permissionBits = (d | (1L << VmsaDescriptor.AP1)) & ~(1L << VmsaDescriptor.PXN);
            tableBits &= ~((1L << VmsaDescriptor.PXN_TABLE) | (1L << VmsaDescriptor.AP_TABLE0));
        }
        int unpriv = VmsaPermissions.stage1(permissionBits, tableBits, false, s1.hd(), s1.wxn(), s1.uwxn());
        int priv = VmsaPermissions.stage1(permissionBits, tableBits, true, s1.hd(), s1.wxn(), s1.uwxn());
        int granted = req.privileged() ? priv : unpriv;
        if ((granted & req.access().permission()) == 0) {
            return translationFault(EventType.F_PERMISSION, 1, w.level(), EventRecord.CLASS_IN, 0, s1.record(), s1.stall());
        }
        if (req.access() == Access.WRITE && s1.hd() && VmsaDescriptor.stage1WritableClean(d)) {
            if (!stage1TableWritable(s2, wf, w, table, input)) {
                return lastFault;
            }
            d = Stage2Walk.update(memory, entryAddress, d, VmsaDescriptor.stage1MarkDirty(d), h.bigEndian());
        }
        boolean writeClean = s1.hd() && VmsaDescriptor.stage1WritableClean(d);
        long s1Size = w.pageSize();
        long outIpa = w.address() | (input & (s1Size - 1));
        long pageBase;
        long size = s1Size;
        long ipaBase = w.address();
        if (s2 != null) {
            if (!stage2.translate(s2, outIpa, request, false)) {
                return stage2Fault(s2, outIpa, EventRecord.CLASS_IN);
            }
            Stage2Leaf leaf = stage2.leaf();
            size = Math.min(s1Size, 1L << leaf.log2Size());
            pageBase = leaf.translate(outIpa) & -size;
            ipaBase = outIpa & -size;
            long s2d = leaf.descriptor();
            unpriv &= VmsaPermissions.stage2(s2d, false, s2.hd(), id.xnx());
            priv &= VmsaPermissions.stage2(s2d, true, s2.hd(), id.xnx());
            writeClean |= s2.hd() && VmsaDescriptor.stage2WritableClean(s2d);
        } else {
            pageBase = w.address();
        }
        int log2 = Long.numberOfTrailingZeros(size);
        boolean global = el2Only || !VmsaDescriptor.notGlobal(d);
        TranslationResult ru = new TranslationResult(pageBase, size, unpriv, 0);
        TranslationResult rp = new TranslationResult(pageBase, size, priv, 0);
        if (caches.tlb.enabled()) {
            caches.tlb.fill(new TlbEntry(vmid, global ? 0 : s1.asid(), global, regime, input & -size, ipaBase,
                    log2, f.granule().pageShift(), w.level(), ru, rp, writeClean));
        }
        return req.privileged() ? rp : ru;
    }

    /**
     * Before a hardware update of a stage-1 descriptor in a nested configuration: the SMMU writes it
     * through stage 2, which must allow a write to the table's page (3.13.4; a fault is CLASS=TT with
     * TTRnW=0, and with S2HD the write marks the stage-2 page dirty). Sets {@link #lastFault} when refused.
     *
     * @param firstTable the table the walk started from (an IPA)
     */
    private boolean stage1TableWritable(Stage2Config s2, PageTableFormat f, WalkResult w, long firstTable,
                                        long input) {
        if (s2 == null) {
            return true;
        }
        int step = w.step();
        long tableIpa = step == w.firstStep() ? firstTable : f.nextTable(w.entries()[step - 1], step - 1);
        long entryIpa = f.entryAddress(tableIpa, input, step);
        if (stage2.translate(s2, entryIpa, Access.WRITE, request.privileged(), true)) {
            return true;
        }
        lastFault = stage2Fault(s2, entryIpa, EventRecord.CLASS_TT, true);
        return false;
    }

    /**
     * The stage 2 the nested walker calls: table fetches are translated now (a fault stops the walk);
     * the stage-1 output is only passed through here and translated after the stage-1 checks.
     */
    private WalkResult nestedStage2(long ipa, boolean tableFetch) {
        Stage2Config s2 = nestedConfig;
        if (!tableFetch) {
            return WalkResult.cached(2, ipa & ~0xFFFL, 0x1000, Granule.FINAL_LEVEL);
        }
        if (!stage2.translate(s2, ipa, request, true)) {
            return new WalkResult(WalkResult.Status.DENIED, 2, 0, 0, stage2.level(), 0, 0, new long[1], new long[1]);
        }
        Stage2Leaf leaf = stage2.leaf();
        return WalkResult.cached(2, leaf.pageBase(), 1L << leaf.log2Size(), leaf.level());
    }

    private static long word(byte[] raw, int i) {
        long v = 0;
        for (int b = 7; b >= 0; b--) {
            v = (v << 8) | (raw[i * 8 + b] & 0xFF);
        }
        return v;
    }

    // ---- statistics ----

    /** A usable TLB hit: remembers where it was, so that a pure hit can be memoised. */
    private TranslationResult tlbHit(TranslationResult r) {
        pureHit = configHit;
        tlbSlot = caches.tlb.cache().lastHitSlot();
        tlbProbes = caches.tlb.lastProbes();
        return r;
    }

    /**
     * True when the last {@link #translate} was a pure hit: STE (and CD) from the configuration cache,
     * the TLB entry used as it was, so no memory was read and no cache changed. Only then may the SMMU
     * memoise it ({@link org.iommusim.core.cache.HitMemo}).
     */
    public boolean pureHit() {
        return pureHit;
    }

    /** STE-cache slot of the last pure hit. */
    public int steSlot() {
        return steSlot;
    }

    /** CD-cache slot of the last pure hit; -1 when it had no stage 1 (no CD was looked up). */
    public int cdSlot() {
        return cdSlot;
    }

    /** TLB slot of the last pure hit. */
    public int tlbSlot() {
        return tlbSlot;
    }

    /** TLB probes the last pure hit made. */
    public int tlbProbes() {
        return tlbProbes;
    }

    public long translations() {
        return translations;
    }

    public long faults() {
        return faults;
    }

    public long walks() {
        return walks;
    }

    public long stage2Walks() {
        return stage2.walks();
    }

    public long eventsSuppressed() {
        return eventsSuppressed;
    }
}
