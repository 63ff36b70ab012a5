package org.iommusim.smmu.v3;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.iommusim.core.cache.CacheStatistics;
import org.iommusim.core.cache.HitMemo;
import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.memory.AccessPurpose;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Fault;
import org.iommusim.core.request.Permissions;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.request.TranslationResult;
import org.iommusim.core.walk.WalkTrace;
import org.iommusim.smmu.v3.cache.CacheSizes;
import org.iommusim.smmu.v3.command.CommandProcessor;
import org.iommusim.smmu.v3.command.CommandQueue;
import org.iommusim.smmu.v3.event.EventQueue;
import org.iommusim.smmu.v3.event.EventRecord;
import org.iommusim.smmu.v3.registers.ControlFields;
import org.iommusim.smmu.v3.registers.GlobalErrors;
import org.iommusim.smmu.v3.registers.IdRegisters;
import org.iommusim.smmu.v3.registers.RegisterOffsets;
import org.iommusim.smmu.v3.stall.StallTable;
import org.iommusim.smmu.v3.translation.Caches;
import org.iommusim.smmu.v3.translation.Translator;

/**
 * An Arm SMMUv3 (IHI 0070), programmed only through its registers (chapter 6) and the structures it
 * reads from memory. Register accesses are split into 32-bit halves, as the specification allows for
 * every 64-bit register (6.2). CR0 changes are acknowledged in CR0ACK at once; GBPA updates complete at
 * once (UPDATE reads as 0 after the write).
 */
public final class SmmuV3 implements Iommu {
    private final PhysicalMemory memory;
    private final IdRegisters id;
    private final Caches caches;
    private final GlobalErrors errors = new GlobalErrors();
    private final EventQueue eventQueue;
    private final CommandQueue commandQueue;
    private final CommandProcessor commands;
    private final Translator translator;
    /**
     * Pure TLB hits by request (see {@link HitMemo}) over the caches such a hit consults. Dies with
     * {@link Caches#epoch}, which those caches and every register write advance.
     */
    private final HitMemo memo;
    private static final int MEMO_STE = 0, MEMO_CD = 1;
    private final StallTable stalls;

    private int cr0;
    private int cr1;
    private int cr2;
    private int gbpa;
    private int irqCtrl;
    private long gerrorIrqCfg0;
    private int gerrorIrqCfg1;
    private int gerrorIrqCfg2;
    private long strtabBase;
    private int strtabBaseCfg;
    private long eventqIrqCfg0;
    private int eventqIrqCfg1;
    private int eventqIrqCfg2;
    private long priqBase;
    private int priqProd;
    private int priqCons;
    private long priqIrqCfg0;
    private int priqIrqCfg1;
    private int priqIrqCfg2;

    private long syncIrqs;
    private long sevs;
    private long msiWrites;
    private long gbpaAborts;

    public SmmuV3(PhysicalMemory memory, IdRegisters id) {
        this(memory, id, CacheSizes.DEFAULT);
    }

    public SmmuV3(PhysicalMemory memory, IdRegisters id, CacheSizes cacheSizes) {
        this.memory = Objects.requireNonNull(memory, "memory");
        this.id = Objects.requireNonNull(id, "id");
        this.caches = new Caches(cacheSizes);
        this.memo = new HitMemo(HitMemo.DEFAULT_ENTRIES_LOG2, caches.epoch, caches.tlb.cache(),
                caches.config.steCache(), caches.config.cdCache());
        this.eventQueue = new EventQueue(memory, errors, id.eventqs());
        this.stalls = new StallTable(id.stallMax());
        this.commands = new CommandProcessor(id, caches, stalls, memory, new CommandProcessor.Completion() {
            @Override
            public void irq(long msiAddress, int msiData) {
                syncIrqs++;
                if (msiAddress != 0) {
                    if (memory.inRange(msiAddress, 4)) {
                        msiWrites++;
                    } else {
                        errors.raise(ControlFields.GERROR_MSI_CMDQ_ABT_ERR);
                    }
                }
            }

            @Override
            public void sev() {
                sevs++;
            }
        });
        this.commandQueue = new CommandQueue(memory, errors, commands, id.cmdqs());
        this.translator = new Translator(memory, id, caches, stalls, this::recordEvent);
        this.gbpa = 1 << 12; // SHCFG = use incoming, ABORT = 0: bypass while disabled (as QEMU resets it)
    }

    public IdRegisters idRegisters() {
        return id;
    }

    /** Receives every page-table reference of later walks (explainers, reference-counting tests). */
    @Override
    public void setWalkTrace(WalkTrace trace) {
        translator.setTrace(trace);
    }

    @Override
    public String kind() {
        return "smmuv3";
    }

    @Override
    public PhysicalMemory memory() {
        return memory;
    }

    private int cr0ack() {
        return cr0;
    }

    private boolean enabled(int bit) {
        return (cr0ack() & bit) != 0;
    }

    // ---- registers ----

    @Override
    public long mmioRead(long offset, int width) {
        Iommu.checkWidth(width);
        if (width == 8) {
            return (read32(offset) & 0xFFFF_FFFFL) | ((read32(offset + 4) & 0xFFFF_FFFFL) << 32);
        }
        return read32(offset) & 0xFFFF_FFFFL;
    }

    @Override
    public void mmioWrite(long offset, int width, long value) {
        Iommu.checkWidth(width);
        memo.settleAndAdvance(); // any register may change how a request translates: forget memoised hits
        write32(offset, (int) value);
        if (width == 8) {
            write32(offset + 4, (int) (value >>> 32));
        }
    }

    private int read32(long offset) {
        if (offset < 0 || offset >= RegisterOffsets.BLOCK_SIZE || (offset & 3) != 0) {
            return 0;
        }
        int off = (int) offset;
        if (off <= RegisterOffsets.AIDR) {
            return id.read(off);
        }
        return switch (off) {
            case RegisterOffsets.CR0, RegisterOffsets.CR0ACK -> cr0;
            case RegisterOffsets.CR1 -> cr1;
            case RegisterOffsets.CR2 -> cr2;
            case RegisterOffsets.STATUSR -> 0;
            case RegisterOffsets.GBPA -> gbpa;
            case RegisterOffsets.IRQ_CTRL, RegisterOffsets.IRQ_CTRLACK -> irqCtrl;
            case RegisterOffsets.GERROR -> errors.gerror();
            case RegisterOffsets.GERRORN -> errors.gerrorn();
            case RegisterOffsets.GERROR_IRQ_CFG0 -> (int) gerrorIrqCfg0;
            case RegisterOffsets.GERROR_IRQ_CFG0 + 4 -> (int) (gerrorIrqCfg0 >>> 32);
            case RegisterOffsets.GERROR_IRQ_CFG1 -> gerrorIrqCfg1;
            case RegisterOffsets.GERROR_IRQ_CFG2 -> gerrorIrqCfg2;
            case RegisterOffsets.STRTAB_BASE -> (int) strtabBase;
            case RegisterOffsets.STRTAB_BASE + 4 -> (int) (strtabBase >>> 32);
            case RegisterOffsets.STRTAB_BASE_CFG -> strtabBaseCfg;
            case RegisterOffsets.CMDQ_BASE -> (int) commandQueue.base();
            case RegisterOffsets.CMDQ_BASE + 4 -> (int) (commandQueue.base() >>> 32);
            case RegisterOffsets.CMDQ_PROD -> commandQueue.prod();
            case RegisterOffsets.CMDQ_CONS -> commandQueue.cons();
            case RegisterOffsets.EVENTQ_BASE -> (int) eventQueue.base();
            case RegisterOffsets.EVENTQ_BASE + 4 -> (int) (eventQueue.base() >>> 32);
            case RegisterOffsets.EVENTQ_IRQ_CFG0 -> (int) eventqIrqCfg0;
            case RegisterOffsets.EVENTQ_IRQ_CFG0 + 4 -> (int) (eventqIrqCfg0 >>> 32);
            case RegisterOffsets.EVENTQ_IRQ_CFG1 -> eventqIrqCfg1;
            case RegisterOffsets.EVENTQ_IRQ_CFG2 -> eventqIrqCfg2;
            case RegisterOffsets.EVENTQ_PROD -> eventQueue.prod();
            case RegisterOffsets.EVENTQ_CONS -> eventQueue.cons();
            case RegisterOffsets.PRIQ_BASE -> id.pri() ? (int) priqBase : 0;
            case RegisterOffsets.PRIQ_BASE + 4 -> id.pri() ? (int) (priqBase >>> 32) : 0;
            case RegisterOffsets.PRIQ_PROD -> id.pri() ? priqProd : 0;
            case RegisterOffsets.PRIQ_CONS -> id.pri() ? priqCons : 0;
            case RegisterOffsets.PRIQ_IRQ_CFG0 -> id.pri() ? (int) priqIrqCfg0 : 0;
            case RegisterOffsets.PRIQ_IRQ_CFG0 + 4 -> id.pri() ? (int) (priqIrqCfg0 >>> 32) : 0;
            case RegisterOffsets.PRIQ_IRQ_CFG1 -> id.pri() ? priqIrqCfg1 : 0;
            case RegisterOffsets.PRIQ_IRQ_CFG2 -> id.pri() ? priqIrqCfg2 : 0;
            default -> 0;
        };
    }

    private void write32(long offset, int v) {
        if (offset < 0 || offset >= RegisterOffsets.BLOCK_SIZE || (offset & 3) != 0) {
            return;
        }
        boolean smmuen = enabled(ControlFields.CR0_SMMUEN);
        int gerrorBefore = errors.gerror();
        switch ((int) offset) {
            case RegisterOffsets.CR0 -> writeCr0(v);
            case RegisterOffsets.CR1 -> {
                if (!smmuen && (cr0 & (ControlFields.CR0_CMDQEN | ControlFields.CR0_EVENTQEN
                        | ControlFields.CR0_PRIQEN)) == 0) {
                    cr1 = v & 0xFFF;
                }
            }
            case RegisterOffsets.CR2 -> {
                if (!smmuen) {
                    int mask = ControlFields.CR2_RECINVSID | (id.hyp() ? ControlFields.CR2_E2H : 0)
                            | (id.btm() ? ControlFields.CR2_PTM : 0);
                    cr2 = v & mask;
                }
            }
            case RegisterOffsets.GBPA -> {
                if ((v & ControlFields.GBPA_UPDATE) != 0) {
                    gbpa = v & ControlFields.GBPA_FIELDS;
                }
            }
            case RegisterOffsets.IRQ_CTRL -> irqCtrl = v & ControlFields.IRQ_CTRL_MASK;
            case RegisterOffsets.GERRORN -> {
                errors.writeGerrorn(v);
                commandQueue.process(enabled(ControlFields.CR0_CMDQEN));
            }
            // the *_IRQ_CFG registers exist only with IDR0.MSI
            case RegisterOffsets.GERROR_IRQ_CFG0 -> gerrorIrqCfg0 = id.msi() ? low(gerrorIrqCfg0, v) : 0;
            case RegisterOffsets.GERROR_IRQ_CFG0 + 4 -> gerrorIrqCfg0 = id.msi() ? high(gerrorIrqCfg0, v) : 0;
            case RegisterOffsets.GERROR_IRQ_CFG1 -> gerrorIrqCfg1 = id.msi() ? v : 0;
            case RegisterOffsets.GERROR_IRQ_CFG2 -> gerrorIrqCfg2 = id.msi() ? v & 0x3F : 0;
            case RegisterOffsets.STRTAB_BASE -> {
                if (!smmuen) {
                    strtabBase = low(strtabBase, v) & (ControlFields.STRTAB_BASE_ADDR_MASK | ControlFields.STRTAB_BASE_RA);
                }
            }
            case RegisterOffsets.STRTAB_BASE + 4 -> {
                if (!smmuen) {
                    strtabBase = high(strtabBase, v) & (ControlFields.STRTAB_BASE_ADDR_MASK | ControlFields.STRTAB_BASE_RA);
                }
            }
            case RegisterOffsets.STRTAB_BASE_CFG -> {
                if (!smmuen) {
                    strtabBaseCfg = v & ControlFields.STRTAB_CFG_MASK;
                }
            }
            case RegisterOffsets.CMDQ_BASE -> commandQueue.writeBase(low(commandQueue.base(), v),
                    enabled(ControlFields.CR0_CMDQEN));
            case RegisterOffsets.CMDQ_BASE + 4 -> commandQueue.writeBase(high(commandQueue.base(), v),
                    enabled(ControlFields.CR0_CMDQEN));
            case RegisterOffsets.CMDQ_PROD -> {
                commandQueue.writeProd(v);
                commandQueue.process(enabled(ControlFields.CR0_CMDQEN));
            }
            case RegisterOffsets.CMDQ_CONS -> commandQueue.writeCons(v, enabled(ControlFields.CR0_CMDQEN));
            case RegisterOffsets.EVENTQ_BASE -> {
                if (!enabled(ControlFields.CR0_EVENTQEN)) {
                    eventQueue.writeBase(low(eventQueue.base(), v));
                }
            }
            case RegisterOffsets.EVENTQ_BASE + 4 -> {
                if (!enabled(ControlFields.CR0_EVENTQEN)) {
                    eventQueue.writeBase(high(eventQueue.base(), v));
                }
            }
            case RegisterOffsets.EVENTQ_IRQ_CFG0 -> eventqIrqCfg0 = id.msi() ? low(eventqIrqCfg0, v) : 0;
            case RegisterOffsets.EVENTQ_IRQ_CFG0 + 4 -> eventqIrqCfg0 = id.msi() ? high(eventqIrqCfg0, v) : 0;
            case RegisterOffsets.EVENTQ_IRQ_CFG1 -> eventqIrqCfg1 = id.msi() ? v : 0;
            case RegisterOffsets.EVENTQ_IRQ_CFG2 -> eventqIrqCfg2 = id.msi() ? v & 0x3F : 0;
            case RegisterOffsets.EVENTQ_PROD -> eventQueue.writeProd(v, enabled(ControlFields.CR0_EVENTQEN));
            case RegisterOffsets.EVENTQ_CONS -> eventQueue.writeCons(v);
            case RegisterOffsets.PRIQ_BASE -> priqBase = id.pri() ? low(priqBase, v) & ControlFields.QUEUE_BASE_MASK : 0;
            case RegisterOffsets.PRIQ_BASE + 4 -> priqBase = id.pri() ? high(priqBase, v) & ControlFields.QUEUE_BASE_MASK : 0;
            case RegisterOffsets.PRIQ_PROD -> priqProd = id.pri() ? v & (ControlFields.QUEUE_POINTER_MASK | ControlFields.QUEUE_OVERFLOW) : 0;
            case RegisterOffsets.PRIQ_CONS -> priqCons = id.pri() ? v & (ControlFields.QUEUE_POINTER_MASK | ControlFields.QUEUE_OVERFLOW) : 0;
            case RegisterOffsets.PRIQ_IRQ_CFG0 -> priqIrqCfg0 = id.pri() && id.msi() ? low(priqIrqCfg0, v) : 0;
            case RegisterOffsets.PRIQ_IRQ_CFG0 + 4 -> priqIrqCfg0 = id.pri() && id.msi() ? high(priqIrqCfg0, v) : 0;
            case RegisterOffsets.PRIQ_IRQ_CFG1 -> priqIrqCfg1 = id.pri() && id.msi() ? v : 0;
            case RegisterOffsets.PRIQ_IRQ_CFG2 -> priqIrqCfg2 = id.pri() ? v & (id.msi() ? 0x8000_003F : 0x8000_0000) : 0;
            default -> {
                // read-only or unimplemented: ignored
            }
        }
        signalGlobalErrors(gerrorBefore);
    }

    private void writeCr0(int v) {
        // PRIQEN is RES0 without IDR0.PRI, ATSCHK without IDR0.ATS (6.3.9)
        int mask = ControlFields.CR0_MASK & ~(id.pri() ? 0 : ControlFields.CR0_PRIQEN)
                & ~(id.ats() ? 0 : ControlFields.CR0_ATSCHK);
        cr0 = v & mask;
        commandQueue.process(enabled(ControlFields.CR0_CMDQEN));
    }

    private static long low(long register, int v) {
        return (register & 0xFFFF_FFFF_0000_0000L) | (v & 0xFFFF_FFFFL);
    }

    private static long high(long register, int v) {
        return (register & 0xFFFF_FFFFL) | ((long) v << 32);
    }

    /** A newly active global error raises the GERROR interrupt (an MSI when GERROR_IRQ_CFG0 is set). */
    private void signalGlobalErrors(int before) {
        int raised = (errors.gerror() ^ before) & ~ControlFields.GERROR_MSI_GERROR_ABT_ERR;
        if (raised != 0 && (irqCtrl & ControlFields.IRQ_GERROR_IRQEN) != 0) {
            long address = gerrorIrqCfg0 & ControlFields.IRQ_CFG0_ADDR_MASK;
            if (address != 0) {
                if (memory.inRange(address, 4)) {
                    memory.write32(address, gerrorIrqCfg1, AccessPurpose.QUEUE);
                    msiWrites++;
                } else {
                    errors.raise(ControlFields.GERROR_MSI_GERROR_ABT_ERR);
                }
            }
        }
    }

    private void recordEvent(EventRecord r) {
        int before = errors.gerror();
        if (eventQueue.record(r, enabled(ControlFields.CR0_EVENTQEN))
                && (irqCtrl & ControlFields.IRQ_EVENTQ_IRQEN) != 0) {
            long address = eventqIrqCfg0 & ControlFields.IRQ_CFG0_ADDR_MASK;
            if (address != 0) {
                if (memory.inRange(address, 4)) {
                    memory.write32(address, eventqIrqCfg1, AccessPurpose.QUEUE);
                    msiWrites++;
                } else {
                    errors.raise(ControlFields.GERROR_MSI_EVENTQ_ABT_ERR);
                }
            }
        }
        signalGlobalErrors(before);
    }

    // ---- translation ----

    @Override
    public Translation translate(TranslationRequest request) {
        Objects.requireNonNull(request, "request");
        long k0 = memoKey(request);
        long k1 = request.iova() >>> 12;
        TranslationResult hit = memo.find(k0, k1);
        return hit != null ? hit : fullLookup(request, k0, k1);
    }

    /**
     * Everything of a request but its address that decides its translation: StreamID (31:0),
     * SubstreamID + 1 (52:32), access (54:53), privileged (55), translated (56). The address enters the
     * memo as its 4 KiB page: every check before and after the TLB lookup is a function of it (the
     * smallest granule is 4 KiB).
     */
    private static long memoKey(TranslationRequest r) {
        Access a = r.access();
        // compared with the constants rather than through ordinal(): one load fewer on every hit
        long access = a == Access.READ ? 0 : a == Access.WRITE ? 1L << 53 : 2L << 53;
        return (r.sourceId() & 0xFFFF_FFFFL) | ((long) (r.pasid() + 1) << 32) | access
                | (r.privileged() ? 1L << 55 : 0) | (r.translated() ? 1L << 56 : 0);
    }

    /** The translation of the specification through the caches; a pure TLB hit is memoised. */
    private Translation fullLookup(TranslationRequest request, long k0, long k1) {
        memo.settle(); // the lookup below reads and changes the caches the memo hits stand for
        if (request.translated()) {
            return translator.translateTranslated(request, enabled(ControlFields.CR0_SMMUEN),
                    enabled(ControlFields.CR0_ATSCHK), strtabBase, strtabBaseCfg);
        }
        if (!enabled(ControlFields.CR0_SMMUEN)) {
            if ((gbpa & ControlFields.GBPA_ABORT) != 0) {
                gbpaAborts++;
                return new Fault(Translator.ABORT_NO_EVENT, "GBPA_ABORT", 0, Fault.NO_LEVEL, request.iova());
            }
            return new TranslationResult(request.iova() & ~0xFFFL, 0x1000, Permissions.RWX, 0);
        }
        Translation t = translator.translate(request, strtabBase, strtabBaseCfg,
                (cr2 & ControlFields.CR2_RECINVSID) != 0, (cr2 & ControlFields.CR2_E2H) != 0);
        if (translator.pureHit()) {
            int e = memo.put(k0, k1, (TranslationResult) t, translator.tlbSlot(), translator.tlbProbes());
            memo.use(e, MEMO_STE, translator.steSlot());
            if (translator.cdSlot() >= 0) {
                memo.use(e, MEMO_CD, translator.cdSlot());
            }
        }
        return t;
    }

    /**
     * Turns the hit memo off or on. The SMMU behaves identically either way (same results, events,
     * statistics); only the cost of a repeated TLB hit differs. On by default.
     */
    public void setHitMemoEnabled(boolean on) {
        memo.setEnabled(on);
    }

    /**
     * Translations the hit memo answered. Not in {@link #statistics()}, which is the same with the memo
     * on or off: this counts the simulator's shortcut, not anything the SMMU does.
     */
    public long hitMemoHits() {
        return memo.hits();
    }

    // ---- views ----

    @Override
    public Map<String, Long> statistics() {
        // Memo hits are counted lazily: hits() settles them into the caches' counters; each one was also
        // a translation and one TLB lookup that hit, which the SMMU's own counters add here.
        long memoHits = memo.hits();
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("translations", translator.translations() + memoHits);
        m.put("faults", translator.faults());
        m.put("walks.stage1", translator.walks());
        m.put("walks.stage2", translator.stage2Walks());
        m.put("tlb.lookups", caches.tlb.lookups() + memoHits);
        m.put("tlb.hits", caches.tlb.hits() + memoHits);
        m.put("tlb.misses", caches.tlb.lookups() - caches.tlb.hits());
        put(m, "tlb", caches.tlb.statistics(), false);
        put(m, "cache.ste", caches.config.steStatistics(), true);
        put(m, "cache.cd", caches.config.cdStatistics(), true);
        put(m, "cache.s1walk", caches.stage1Walk.statistics(), true);
        put(m, "cache.s2walk", caches.stage2Walk.statistics(), true);
        put(m, "cache.ipa", caches.ipa.statistics(), true);
        m.put("events.recorded", eventQueue.recorded());
        m.put("events.discarded", eventQueue.discarded());
        m.put("events.suppressed", translator.eventsSuppressed());
        m.put("stalls.held", (long) stalls.held());
        m.put("stalls.total", stalls.stalls());
        m.put("stalls.resumed", stalls.resumed());
        m.put("stalls.terminated", stalls.terminated());
        m.put("commands.consumed", commandQueue.consumed());
        m.put("commands.errors", commandQueue.errorsRaised());
        m.put("cmd_sync.irq", syncIrqs);
        m.put("cmd_sync.sev", sevs);
        m.put("msi.writes", msiWrites);
        m.put("gbpa.aborts", gbpaAborts);
        for (AccessPurpose p : AccessPurpose.values()) {
            m.put("memory." + p.name().toLowerCase(java.util.Locale.ROOT), memory.references(p));
        }
        return m;
    }

    private static void put(Map<String, Long> m, String name, CacheStatistics s, boolean lookups) {
        if (lookups) {
            m.put(name + ".lookups", s.lookups());
            m.put(name + ".hits", s.hits());
            m.put(name + ".misses", s.misses());
        }
        m.put(name + ".fills", s.fills());
        m.put(name + ".evictions", s.evictions());
        m.put(name + ".invalidations", s.invalidations());
        m.put(name + ".occupancy", (long) s.occupancy());
    }

    @Override
    public Map<String, Long> capabilities() {
        return id.decode();
    }
}
