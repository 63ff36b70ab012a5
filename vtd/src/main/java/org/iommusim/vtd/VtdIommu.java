package org.iommusim.vtd;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.iommusim.core.bits.Bits;
import org.iommusim.core.cache.HitMemo;
import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.memory.AccessPurpose;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Fault;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.request.TranslationResult;
import org.iommusim.core.walk.WalkTrace;
import org.iommusim.vtd.cache.VtdCaches;
import org.iommusim.vtd.fault.FaultRecorder;
import org.iommusim.vtd.invalidation.InvalidationQueue;
import org.iommusim.vtd.invalidation.Invalidator;
import org.iommusim.vtd.registers.Cap;
import org.iommusim.vtd.registers.Ecap;
import org.iommusim.vtd.registers.GlobalCommand;
import org.iommusim.vtd.registers.RegisterOffsets;
import org.iommusim.vtd.translation.Translator;

/**
 * One Intel VT-d DMA-remapping unit, programmed through its registers (VT-d specification chapter 11)
 * and the tables it reads from physical memory (chapter 9). Register writes take effect at once: a
 * command bit in GCMD is reflected in GSTS before the write returns, CCMD/IOTLB invalidations complete
 * at once (ICC/IVT read back 0), a tail write processes the invalidation queue.
 */
public final class VtdIommu implements Iommu {
    // RTADDR (11.4.6)
    public static final int RTADDR_TTM_HI = 11, RTADDR_TTM_LO = 10;
    // CCMD (11.4.7)
    public static final int CCMD_ICC = 63;
    public static final int CCMD_CIRG_HI = 62, CCMD_CIRG_LO = 61;
    public static final int CCMD_CAIG_HI = 60, CCMD_CAIG_LO = 59;
    public static final int CCMD_FM_HI = 33, CCMD_FM_LO = 32;
    public static final int CCMD_SID_HI = 31, CCMD_SID_LO = 16;
    public static final int CCMD_DID_HI = 15, CCMD_DID_LO = 0;
    // IOTLB_REG and IVA_REG (11.4.8.1, 11.4.8.2)
    public static final int IOTLB_IVT = 63;
    public static final int IOTLB_IIRG_HI = 61, IOTLB_IIRG_LO = 60;
    public static final int IOTLB_IAIG_HI = 58, IOTLB_IAIG_LO = 57;
    public static final int IOTLB_DID_HI = 47, IOTLB_DID_LO = 32;
    public static final int IVA_AM_HI = 5, IVA_AM_LO = 0;
    public static final int IVA_IH = 6;

    /** The register block is one 4 KiB page; offsets beyond it reach nothing. */
    public static final long REGISTER_BLOCK_SIZE = 0x1000;

    private final PhysicalMemory memory;
    private final VtdConfig config;
    private final Cap cap;
    private final Ecap ecap;
    private final VtdCaches caches;
    private final Translator translator;
    private final FaultRecorder faults;
    private final Invalidator invalidator;
    private final InvalidationQueue queue;
    private final long iro;
    private final long fro;
    /**
     * Pure IOTLB hits by request (see {@link HitMemo}) over the three caches such a hit consults. Dies
     * with {@link VtdCaches#epoch}, which those caches and every register write advance.
     */
    private final HitMemo memo;
    private static final int MEMO_CONTEXT = 0, MEMO_PASID = 1;

    private int gsts;
    private long rtaddr;
    private long ccmd;
    private long iva;
    private long iotlbReg;

    public VtdIommu(PhysicalMemory memory, VtdConfig config) {
        this.memory = Objects.requireNonNull(memory, "memory");
        this.config = Objects.requireNonNull(config, "config");
        this.cap = config.cap();
        this.ecap = config.ecap();
        this.caches = new VtdCaches(config.caches());
        this.translator = new Translator(memory, cap, ecap, config.ver(), caches);
        this.faults = new FaultRecorder(cap.faultRecordCount(), cap.largestAgawWidth());
        this.invalidator = new Invalidator(caches);
        this.queue = new InvalidationQueue(memory, cap, ecap, faults, invalidator, translator::scalableMode);
        this.iro = ecap.iotlbRegisterOffset();
        this.fro = cap.faultRecordingOffset();
        this.memo = new HitMemo(HitMemo.DEFAULT_ENTRIES_LOG2, caches.epoch, caches.iotlb.cache(),
                caches.config.contextCache(), caches.config.pasidCache());
    }

    /**
     * Turns the hit memo off or on. The unit behaves identically either way (same results, faults,
     * statistics); only the cost of a repeated IOTLB hit differs. On by default.
     */
    public void setHitMemoEnabled(boolean on) {
        memo.setEnabled(on);
    }

    /**
     * Translations the hit memo answered. Not in {@link #statistics()}, which is the same with the memo
     * on or off: this counts the simulator's shortcut, not anything the unit does.
     */
    public long hitMemoHits() {
        return memo.hits();
    }

    public VtdConfig config() {
        return config;
    }

    @Override
    public String kind() {
        return "vtd";
    }

    @Override
    public PhysicalMemory memory() {
        return memory;
    }

    /** Receives the page-walk memory references of later translations (walk explainer, tests). */
    public void setTrace(WalkTrace trace) {
        translator.setTrace(trace);
    }

    @Override
    public void setWalkTrace(WalkTrace trace) {
        setTrace(trace);
    }

    @Override
    public Translation translate(TranslationRequest request) {
        Objects.requireNonNull(request, "request");
        long k0 = memoKey(request);
        long k1 = request.iova() >>> 12;
        TranslationResult hit = memo.find(k0, k1);
        return hit != null ? hit : fullLookup(request, k0, k1);
    }

    /** The translation of chapter 3 through the caches; a pure hit is memoised for the next time. */
    private Translation fullLookup(TranslationRequest request, long k0, long k1) {
        memo.settle(); // the full lookup below reads and changes the caches the memo hits stand for
        Translation t = translator.translate(request);
        if (t instanceof Fault) {
            faults.record(request, translator.lastReason(), translator.lastFpd());
        } else if (translator.pureHit()) {
            int e = memo.put(k0, k1, (TranslationResult) t, translator.iotlbSlot(), translator.iotlbProbes());
            memo.use(e, MEMO_CONTEXT, translator.contextSlot());
            if (translator.pasidSlot() >= 0) {
                memo.use(e, MEMO_PASID, translator.pasidSlot());
            }
        }
        return t;
    }

    /**
     * Everything of a request but its address that decides its translation: requester ID (15:0),
     * PASID + 1 (36:16), access (38:37), privileged (39), translated (40). The address enters the memo
     * as its 4 KiB page: every check after the IOTLB lookup (the interrupt range) is a function of it.
     */
    private static long memoKey(TranslationRequest r) {
        Access a = r.access();
        // compared with the constants rather than through ordinal(): one load fewer on every hit
        long access = a == Access.READ ? 0 : a == Access.WRITE ? 1L << 37 : 2L << 37;
        return (r.sourceId() & 0xFFFFL) | ((long) (r.pasid() + 1) << 16) | access
                | (r.privileged() ? 1L << 39 : 0) | (r.translated() ? 1L << 40 : 0);
    }

    // ---- MMIO ----

    private boolean is64BitRegister(long off) {
        return off == RegisterOffsets.CAP || off == RegisterOffsets.ECAP || off == RegisterOffsets.RTADDR
                || off == RegisterOffsets.CCMD || off == RegisterOffsets.IQH || off == RegisterOffsets.IQT
                || off == RegisterOffsets.IQA || off == RegisterOffsets.IQER
                || off == iro + RegisterOffsets.IVA_FROM_IRO || off == iro + RegisterOffsets.IOTLB_FROM_IRO
                || frcdIndex(off) >= 0;
    }

    /** The fault recording register whose qword is at {@code off}, or -1. */
    private int frcdIndex(long off) {
        long rel = off - fro;
        if (rel < 0 || rel >= (long) faults.recordCount() * RegisterOffsets.FRCD_SIZE) {
            return -1;
        }
        return (int) (rel / RegisterOffsets.FRCD_SIZE);
    }

    @Override
    public long mmioRead(long offset, int width) {
        Iommu.checkWidth(width);
        if (offset < 0 || offset >= REGISTER_BLOCK_SIZE || (offset & (width - 1)) != 0) {
            return 0;
        }
        long qwordOffset = offset & ~7L;
        long q = is64BitRegister(qwordOffset) ? read64(qwordOffset)
                : Integer.toUnsignedLong(read32(qwordOffset)) | ((long) read32(qwordOffset + 4) << 32);
        if (width == 8) {
            return q;
        }
        return (offset & 4) == 0 ? q & 0xFFFF_FFFFL : q >>> 32;
    }

    private long read64(long off) {
        int frcd = frcdIndex(off);
        if (frcd >= 0) {
            return faults.readRecord(frcd, (int) ((off - fro) % RegisterOffsets.FRCD_SIZE) / 8);
        }
        if (off == RegisterOffsets.CAP) {
            return cap.value();
        }
        if (off == RegisterOffsets.ECAP) {
            return ecap.value();
        }
        if (off == RegisterOffsets.RTADDR) {
            return rtaddr;
        }
        if (off == RegisterOffsets.CCMD) {
            return ccmd;
        }
        if (off == RegisterOffsets.IQH) {
            return queue.readHead();
        }
        if (off == RegisterOffsets.IQT) {
            return queue.readTail();
        }
        if (off == RegisterOffsets.IQA) {
            return queue.readAddress();
        }
        if (off == RegisterOffsets.IQER) {
            return queue.readErrorRecord();
        }
        if (off == iro + RegisterOffsets.IVA_FROM_IRO) {
            return iva;
        }
        if (off == iro + RegisterOffsets.IOTLB_FROM_IRO) {
            return iotlbReg;
        }
        return 0;
    }

    private int read32(long off) {
        return switch ((int) off) {
            case RegisterOffsets.VER -> config.ver();
            case RegisterOffsets.GSTS -> gsts;
            case RegisterOffsets.FSTS -> faults.readStatus();
            case RegisterOffsets.FECTL -> faults.readControl();
            case RegisterOffsets.FEDATA -> faults.eventData();
            case RegisterOffsets.FEADDR -> faults.eventAddress();
            case RegisterOffsets.FEUADDR -> faults.eventUpperAddress();
            case RegisterOffsets.ICS -> queue.readCompletionStatus();
            case RegisterOffsets.IECTL -> queue.readEventControl();
            case RegisterOffsets.IEDATA -> queue.eventData();
            case RegisterOffsets.IEADDR -> queue.eventAddress();
            case RegisterOffsets.IEUADDR -> queue.eventUpperAddress();
            default -> 0;
        };
    }

    @Override
    public void mmioWrite(long offset, int width, long value) {
        Iommu.checkWidth(width);
        memo.settleAndAdvance(); // any register may change how a request translates: forget memoised hits
        if (offset < 0 || offset >= REGISTER_BLOCK_SIZE || (offset & (width - 1)) != 0) {
            return;
        }
        long qwordOffset = offset & ~7L;
        if (is64BitRegister(qwordOffset)) {
            if (width == 8) {
                write64(qwordOffset, value);
            } else {
                long old = read64(qwordOffset);
                long merged = (offset & 4) == 0 ? (old & 0xFFFF_FFFF_0000_0000L) | (value & 0xFFFF_FFFFL)
                        : (old & 0xFFFF_FFFFL) | (value << 32);
                write64(qwordOffset, merged);
            }
        } else if (width == 8) {
            write32(offset, (int) value);
            write32(offset + 4, (int) (value >>> 32));
        } else {
            write32(offset, (int) value);
        }
    }

    private void write64(long off, long value) {
        int frcd = frcdIndex(off);
        if (frcd >= 0) {
            if ((off - fro) % RegisterOffsets.FRCD_SIZE == 8) {
                faults.writeRecordHigh(frcd, value);
            }
            return;
        }
        if (off == RegisterOffsets.RTADDR) {
            rtaddr = value & ~Bits.mask(9, 0);
        } else if (off == RegisterOffsets.CCMD) {
            contextCommand(value);
        } else if (off == RegisterOffsets.IQT) {
            queue.writeTail(value);
        } else if (off == RegisterOffsets.IQA) {
            queue.writeAddress(value);
        } else if (off == iro + RegisterOffsets.IVA_FROM_IRO) {
            iva = value & (Bits.mask(63, 12) | Bits.mask(IVA_AM_HI, IVA_AM_LO) | (1L << IVA_IH));
        } else if (off == iro + RegisterOffsets.IOTLB_FROM_IRO) {
            iotlbCommand(value);
        }
    }

    private void write32(long off, int value) {
        switch ((int) off) {
            case RegisterOffsets.GCMD -> globalCommand(value);
            case RegisterOffsets.FSTS -> {
                faults.writeStatus(value);
                queue.process();
            }
            case RegisterOffsets.FECTL -> faults.writeControl(value);
            case RegisterOffsets.FEDATA -> faults.setEventData(value);
            case RegisterOffsets.FEADDR -> faults.setEventAddress(value);
            case RegisterOffsets.FEUADDR -> faults.setEventUpperAddress(value);
            case RegisterOffsets.ICS -> queue.writeCompletionStatus(value);
            case RegisterOffsets.IECTL -> queue.writeEventControl(value);
            case RegisterOffsets.IEDATA -> queue.setEventData(value);
            case RegisterOffsets.IEADDR -> queue.setEventAddress(value);
            case RegisterOffsets.IEUADDR -> queue.setEventUpperAddress(value);
            default -> {
                // read-only or unimplemented: ignored
            }
        }
    }

    /** GCMD (11.4.4): persistent bits take the written value, one-shot bits act when written as 1. */
    private void globalCommand(int value) {
        int persistent = value & GlobalCommand.PERSISTENT;
        if ((persistent & GlobalCommand.QIE) != 0 && !ecap.has(Ecap.QI)) {
            persistent &= ~GlobalCommand.QIE;
        }
        if ((persistent & (GlobalCommand.IRE | GlobalCommand.CFI)) != 0 && !ecap.has(Ecap.IR)) {
            persistent &= ~(GlobalCommand.IRE | GlobalCommand.CFI);
        }
        gsts = (gsts & ~GlobalCommand.PERSISTENT) | persistent;
        if ((value & GlobalCommand.SRTP) != 0) {
            translator.setRootTable(Bits.extract(rtaddr, 63, 12), (int) Bits.field(rtaddr, RTADDR_TTM_HI, RTADDR_TTM_LO));
            gsts |= GlobalCommand.SRTP;
            if (cap.enhancedSrtp()) {
                caches.invalidateAll();
            }
        }
        if ((value & GlobalCommand.SIRTP) != 0 && ecap.has(Ecap.IR)) {
            gsts |= GlobalCommand.SIRTP;
        }
        // WBF completes at once: WBFS reads 0 again.
        boolean wasEnabled = translator.enabled();
        translator.setEnabled((gsts & GlobalCommand.TE) != 0);
        if (wasEnabled && !translator.enabled() && ecap.has(Ecap.SMTS)) {
            caches.invalidateAll(); // translation disable invalidates every cache (section 11.4.4.1)
        }
        if ((gsts & (GlobalCommand.TE | GlobalCommand.IRE)) == 0) {
            faults.resetIndex();
        }
        queue.setEnabled((gsts & GlobalCommand.QIE) != 0);
    }

    /**
     * Register-based invalidation exists only on units of major version 5 or lower, only in legacy mode
     * and only while queued invalidation is off (section 6.5.1); otherwise a request is ignored and
     * reports granularity 00.
     */
    private boolean registerInvalidation() {
        return ((config.ver() >>> 4) & 0xF) <= 5 && !queue.enabled() && !translator.scalableMode();
    }

    /** CCMD (11.4.6.1): register-based context-cache invalidation. */
    private void contextCommand(long value) {
        if (!Bits.bit(value, CCMD_ICC)) {
            ccmd = value;
            return;
        }
        if (!registerInvalidation()) {
            ccmd = Bits.withField(Bits.withBit(value, CCMD_ICC, false), CCMD_CAIG_HI, CCMD_CAIG_LO, 0);
            return;
        }
        int cirg = (int) Bits.field(value, CCMD_CIRG_HI, CCMD_CIRG_LO);
        int did = (int) Bits.field(value, CCMD_DID_HI, CCMD_DID_LO);
        switch (cirg) {
            case 1 -> invalidator.contextGlobal();
            case 2 -> invalidator.contextDomain(did);
            case 3 -> invalidator.contextDevice((int) Bits.field(value, CCMD_SID_HI, CCMD_SID_LO),
                    (int) Bits.field(value, CCMD_FM_HI, CCMD_FM_LO));
            default -> {
                // CIRG=00 is reserved: not performed, CAIG reads 00.
            }
        }
        long done = Bits.withBit(value, CCMD_ICC, false);
        ccmd = Bits.withField(done, CCMD_CAIG_HI, CCMD_CAIG_LO, cirg);
    }

    /**
     * IOTLB_REG (11.4.6.3): register-based IOTLB invalidation. Page-selective needs CAP.PSI (otherwise it
     * is done domain-selective, and IAIG says so) and IVA.AM within CAP.MAMV (otherwise nothing is done
     * and IAIG reads 00).
     */
    private void iotlbCommand(long value) {
        if (!Bits.bit(value, IOTLB_IVT)) {
            iotlbReg = value;
            return;
        }
        if (!registerInvalidation()) {
            iotlbReg = Bits.withField(Bits.withBit(value, IOTLB_IVT, false), IOTLB_IAIG_HI, IOTLB_IAIG_LO, 0);
            return;
        }
        int iirg = (int) Bits.field(value, IOTLB_IIRG_HI, IOTLB_IIRG_LO);
        int did = (int) Bits.field(value, IOTLB_DID_HI, IOTLB_DID_LO);
        int actual = iirg;
        switch (iirg) {
            case 1 -> invalidator.iotlbGlobal();
            case 2 -> invalidator.iotlbDomain(did);
            case 3 -> {
                int am = (int) Bits.field(iva, IVA_AM_HI, IVA_AM_LO);
                if (!cap.pageSelectiveInvalidation()) {
                    invalidator.iotlbDomain(did);
                    actual = 2;
                } else if (am > cap.maxAddressMaskValue()) {
                    actual = 0;
                } else {
                    invalidator.iotlbPages(did, Bits.extract(iva, 63, 12), am, Bits.bit(iva, IVA_IH));
                }
            }
            default -> actual = 0;
        }
        long done = Bits.withBit(value, IOTLB_IVT, false);
        iotlbReg = Bits.withField(done, IOTLB_IAIG_HI, IOTLB_IAIG_LO, actual);
    }

    // ---- introspection ----

    @Override
    public Map<String, Long> statistics() {
        memo.settle(); // memo hits are counted lazily; credit them before reporting
        Map<String, Long> m = new LinkedHashMap<>();
        caches.putStatistics(m);
        m.put("walks", translator.firstStageWalks() + translator.secondStageWalks() + translator.nestedWalks());
        m.put("walks.first-stage", translator.firstStageWalks());
        m.put("walks.second-stage", translator.secondStageWalks());
        m.put("walks.nested", translator.nestedWalks());
        m.put("translations.pass-through", translator.passThroughTranslations());
        m.put("faults", faults.recorded() + faults.overflowed() + faults.suppressed());
        m.put("faults.recorded", faults.recorded());
        m.put("faults.overflowed", faults.overflowed());
        m.put("faults.suppressed", faults.suppressed());
        m.put("fault-events", faults.events());
        m.put("memory.page-walk", memory.references(AccessPurpose.PAGE_WALK));
        m.put("memory.config-fetch", memory.references(AccessPurpose.CONFIG_FETCH));
        m.put("memory.queue", memory.references(AccessPurpose.QUEUE));
        m.put("memory.dma-data", memory.references(AccessPurpose.DMA_DATA));
        m.put("queue.descriptors", queue.processed());
        m.put("queue.errors", queue.errors());
        m.put("queue.completion-events", queue.completionEvents());
        invalidator.putStatistics(m);
        return m;
    }

    @Override
    public Map<String, Long> capabilities() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("VER.MAJOR", (long) ((config.ver() >>> 4) & 0xF));
        m.put("VER.MINOR", (long) (config.ver() & 0xF));
        m.putAll(cap.decode());
        m.putAll(ecap.decode());
        return m;
    }
}
