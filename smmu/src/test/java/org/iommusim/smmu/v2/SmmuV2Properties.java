package org.iommusim.smmu.v2;

import static org.iommusim.proptest.Props.gen;
import static org.iommusim.proptest.Props.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Fault;
import org.iommusim.core.request.Permissions;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.request.TranslationResult;
import org.iommusim.smmu.v2.driver.Allocator;
import org.iommusim.smmu.v2.driver.SmmuV2Driver;
import org.iommusim.smmu.v2.driver.SmmuV2Driver.Domain;
import org.iommusim.smmu.v2.driver.TableMemory;
import org.iommusim.smmu.v2.fault.ContextFault;
import org.iommusim.smmu.vmsa.Granule;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Translations through driver-built tables equal the reference the mapping set gives, for stage 1,
 * stage 2 and nested contexts and every granule; random table bytes and random register writes never
 * raise an exception.
 */
class SmmuV2Properties {
    private static final int SID = 0x21;
    /** Host page tables live here; mapped output pages are far above. */
    private static final long TABLES = 0x1000_0000L;
    private static final long OUTPUT = 0x40_0000_0000L;
    /** Guest RAM for nested tests: IPA [0, 1 GiB) at this host address. */
    private static final long GUEST_RAM = 0x80_0000_0000L;
    private static final long GUEST_SIZE = 1L << 30;

    record Mapping(long page, long frame, int permissions) {
    }

    private static Gen<Granule> granules() {
        return arbitrary().enumValues(Granule.class);
    }

    /** 1 to 12 mappings of distinct pages in [0, 2^16] to frames in [0, 2^16], read-only or read/write. */
    static List<Mapping> mappings(RandomGenerator r) {
        int n = r.nextInt(1, 13);
        List<Mapping> list = new ArrayList<>(n);
        Set<Long> pages = new HashSet<>();
        for (int attempt = 0; list.size() < n && attempt < 100 * n; attempt++) {
            long page = r.nextLong(0, (1L << 16) + 1);
            long frame = r.nextLong(0, (1L << 16) + 1);
            int permissions = r.nextBoolean() ? Permissions.READ | Permissions.WRITE : Permissions.READ;
            if (pages.add(page)) {
                list.add(new Mapping(page, frame, permissions));
            }
        }
        return list;
    }

    /** Edge values that any long or int is now and then. */
    private static final long[] LONG_EDGES = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE};
    private static final int[] INT_EDGES = {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE};

    /**
     * Any long: now and then an edge value, otherwise of a magnitude of 1 to 64 bits chosen uniformly, so
     * that small values are as common as large ones (as the old engine drew an unconstrained long).
     */
    static long anyLong(RandomGenerator r) {
        if (r.nextInt(0, 10) == 0) {
            return LONG_EDGES[r.nextInt(0, LONG_EDGES.length)];
        }
        int bits = r.nextInt(1, 65);
        long v = r.nextLong();
        return bits == 64 ? v : v >> (64 - bits);
    }

    /** Any int, drawn like {@link #anyLong}: now and then an edge value, small values as common as large. */
    static int anyInt(RandomGenerator r) {
        if (r.nextInt(0, 10) == 0) {
            return INT_EDGES[r.nextInt(0, INT_EDGES.length)];
        }
        return (int) (r.nextLong() >> (64 - r.nextInt(1, 33)));
    }

    /** {@code n} longs from anywhere. */
    static long[] anyLongs(RandomGenerator r, int n) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = anyLong(r);
        }
        return a;
    }

    private static SmmuV2 machine() {
        return new SmmuV2(new PhysicalMemory(), SmmuV2Config.defaults());
    }

    private static void check(SmmuV2 smmu, Map<Long, Mapping> reference, long pageSize, long inputBase,
                              long outputBase, long offsetSeed, int expectedStage) {
        for (Mapping m : reference.values()) {
            long offset = Math.floorMod(offsetSeed * 31 + m.page(), pageSize);
            long iova = inputBase + m.page() * pageSize + offset;
            for (Access access : new Access[] {Access.READ, Access.WRITE}) {
                // Twice: the first walks, the second hits the TLB.
                for (int i = 0; i < 2; i++) {
                    Translation t = smmu.translate(new TranslationRequest(SID, TranslationRequest.NO_PASID, iova,
                            access, false));
                    if ((m.permissions() & access.permission()) != 0) {
                        TranslationResult r = assertInstanceOf(TranslationResult.class, t, t::toString);
                        assertEquals(outputBase + m.frame() * pageSize + offset, r.outputAddress(iova));
                    } else {
                        Fault f = assertInstanceOf(Fault.class, t);
                        assertEquals(ContextFault.PF.bit(), f.code());
                        assertEquals(expectedStage, f.stage());
                        clearFaults(smmu);
                    }
                }
            }
        }
        // A page nobody mapped: a translation fault.
        long unmapped = 1L << 17;
        Translation t = smmu.translate(TranslationRequest.of(SID, inputBase + unmapped * pageSize, Access.READ));
        Fault f = assertInstanceOf(Fault.class, t);
        assertEquals(ContextFault.TF.bit(), f.code());
    }

    /** The fault handler's job: clear every bank's FSR so that HUPCF = 0 stops terminating transactions. */
    private static void clearFaults(SmmuV2 smmu) {
        for (int n = 0; n < smmu.numcb; n++) {
            smmu.mmioWrite(smmu.addressMap().contextBank(n) + 0x58, 4, 0xFFFF_FFFFL);
        }
    }

    private static Map<Long, Mapping> byPage(List<Mapping> list) {
        Map<Long, Mapping> m = new LinkedHashMap<>();
        list.forEach(x -> m.put(x.page(), x));
        return m;
    }

    /** Fails if stage 1 ignores AP[2] (read-only pages writable). */
    @Test
    void stage1EqualsReference() {
        qt(60).forAll(granules(), gen(SmmuV2Properties::mappings), gen(SmmuV2Properties::anyLong))
                .checkAssert(SmmuV2Properties::stage1EqualsReference);
    }

    private static void stage1EqualsReference(Granule g, List<Mapping> list, long seed) {
        SmmuV2 smmu = machine();
        SmmuV2Driver driver = new SmmuV2Driver(smmu, new Allocator(TABLES, 1 << 26));
        driver.reset();
        Domain d = driver.allocateStage1(g, 48);
        long size = g.pageSize();
        for (Mapping m : list) {
            driver.map(d, m.page() * size, OUTPUT + m.frame() * size, size, m.permissions());
        }
        driver.attach(SID, 0, d);
        check(smmu, byPage(list), size, 0, OUTPUT, seed, 1);
    }

    /** Fails if stage 2 takes write permission from S2AP[0], or reports a stage-2 permission fault as stage 1. */
    @Test
    void stage2EqualsReference() {
        qt(60).forAll(granules(), gen(SmmuV2Properties::mappings), gen(SmmuV2Properties::anyLong))
                .checkAssert(SmmuV2Properties::stage2EqualsReference);
    }

    private static void stage2EqualsReference(Granule g, List<Mapping> list, long seed) {
        SmmuV2 smmu = machine();
        SmmuV2Driver driver = new SmmuV2Driver(smmu, new Allocator(TABLES, 1 << 26));
        driver.reset();
        Domain d = driver.allocateStage2(g, 40, g == Granule.GRANULE_4K ? 1 : 2);
        long size = g.pageSize();
        for (Mapping m : list) {
            driver.map(d, m.page() * size, OUTPUT + m.frame() * size, size, m.permissions());
        }
        driver.attach(SID, 0, d);
        check(smmu, byPage(list), size, 0, OUTPUT, seed, 2);
    }

    /** A stage-2 domain mapping the guest's RAM IPA [0, 1 GiB) at {@link #GUEST_RAM}, read/write. */
    private static Domain guestStage2(SmmuV2Driver driver, Granule g) {
        Domain s2 = driver.allocateStage2(g, 40, g == Granule.GRANULE_4K ? 1 : 2);
        long block = g.levelShift(2) == 21 ? 1L << 21 : 1L << g.levelShift(2);
        for (long ipa = 0; ipa < GUEST_SIZE; ipa += block) {
            driver.map(s2, ipa, GUEST_RAM + ipa, block, Permissions.READ | Permissions.WRITE);
        }
        return s2;
    }

    private static TableMemory guestMemory(PhysicalMemory memory) {
        return new TableMemory() {
            @Override
            public long read64(long ipa) {
                return memory.read64(GUEST_RAM + ipa);
            }

            @Override
            public void write64(long ipa, long value) {
                memory.write64(GUEST_RAM + ipa, value);
            }
        };
    }

    /** Fails if stage 1 ignores AP[2] (read-only pages writable). */
    @Test
    void nestedEqualsReference() {
        qt(40).forAll(granules(), granules(), gen(SmmuV2Properties::mappings), gen(SmmuV2Properties::anyLong))
                .checkAssert(SmmuV2Properties::nestedEqualsReference);
    }

    private static void nestedEqualsReference(Granule s1g, Granule s2g, List<Mapping> list, long seed) {
        SmmuV2 smmu = machine();
        SmmuV2Driver driver = new SmmuV2Driver(smmu, new Allocator(TABLES, 1 << 26));
        driver.reset();
        Domain s2 = guestStage2(driver, s2g);
        // Guest tables in the top quarter of guest RAM; mapped data frames below it.
        Domain s1 = driver.allocateNested(s2, s1g, 48, guestMemory(smmu.memory()),
                new Allocator(GUEST_SIZE - (GUEST_SIZE >> 2), GUEST_SIZE >> 2));
        long size = s1g.pageSize();
        // Output IPAs must lie in the guest's data RAM, below its tables.
        long frames = (GUEST_SIZE - (GUEST_SIZE >> 2)) / size;
        List<Mapping> inRam = list.stream()
                .map(m -> new Mapping(m.page(), m.frame() % frames, m.permissions())).toList();
        for (Mapping m : inRam) {
            driver.map(s1, m.page() * size, m.frame() * size, size, m.permissions());
        }
        driver.attach(SID, 0, s1);
        check(smmu, byPage(inRam), size, 0, GUEST_RAM, seed, 1);
    }

    /**
     * Fails if a nested stage-2 permission fault is reported as stage 1, or if stage 2 takes write
     * permission from S2AP[0].
     */
    @Test
    void nestedStage2PermissionFaultsAreStage2() {
        qt(40).forAll(granules(), integers().between(0, 4095))
                .checkAssert(SmmuV2Properties::nestedStage2PermissionFaultsAreStage2);
    }

    private static void nestedStage2PermissionFaultsAreStage2(Granule g, int page) {
        SmmuV2 smmu = machine();
        SmmuV2Driver driver = new SmmuV2Driver(smmu, new Allocator(TABLES, 1 << 26));
        driver.reset();
        Domain s2 = guestStage2(driver, g);
        Domain s1 = driver.allocateNested(s2, g, 48, guestMemory(smmu.memory()),
                new Allocator(GUEST_SIZE - (GUEST_SIZE >> 2), GUEST_SIZE >> 2));
        long size = g.pageSize();
        // Stage 1 allows writes; a read-only stage-2 page below guest RAM's end refuses them.
        long ipa = GUEST_SIZE + (long) page * size;
        driver.map(s2, ipa, GUEST_RAM + ipa, size, Permissions.READ);
        driver.map(s1, 0, ipa, size, Permissions.READ | Permissions.WRITE);
        driver.attach(SID, 0, s1);
        TranslationResult r = assertInstanceOf(TranslationResult.class,
                smmu.translate(TranslationRequest.of(SID, 0x10, Access.READ)));
        assertEquals(GUEST_RAM + ipa + 0x10, r.outputAddress(0x10));
        Fault f = assertInstanceOf(Fault.class, smmu.translate(TranslationRequest.of(SID, 0x10, Access.WRITE)));
        assertEquals(ContextFault.PF.bit(), f.code());
        assertEquals(2, f.stage());
        assertEquals(ipa + 0x10, f.address());
    }

    @Test
    void randomTableBytesNeverThrow() {
        qt(80).forAll(granules(), gen(r -> anyLongs(r, 64)), gen(r -> anyLongs(r, 16)), booleans().all())
                .checkAssert(SmmuV2Properties::randomTableBytesNeverThrow);
    }

    private static void randomTableBytesNeverThrow(Granule g, long[] junk, long[] addresses, boolean nested) {
        SmmuV2 smmu = machine();
        SmmuV2Driver driver = new SmmuV2Driver(smmu, new Allocator(TABLES, 1 << 26));
        driver.reset();
        Domain d;
        if (nested) {
            Domain s2 = driver.allocateStage2(g, 40, g == Granule.GRANULE_4K ? 1 : 2);
            d = driver.allocateNested(s2, g, 48, TableMemory.physical(smmu.memory()),
                    new Allocator(0x2000_0000L, 1 << 24));
            // Stage-2 root gets junk too.
            for (int i = 0; i < 16; i++) {
                smmu.memory().write64(s2.table().root() + 8L * i, junk[i] ^ junk[63 - i]);
            }
        } else {
            d = driver.allocateStage1(g, 48);
        }
        driver.attach(SID, 0, d);
        long root = d.table().root();
        for (int i = 0; i < junk.length; i++) {
            smmu.memory().write64(root + 8L * i, junk[i]);
        }
        for (long a : addresses) {
            for (Access access : Access.values()) {
                Translation t = smmu.translate(new TranslationRequest(SID, TranslationRequest.NO_PASID, a, access,
                        (a & 1) != 0));
                assertTrue(t.ok() || t instanceof Fault);
            }
        }
        // The junk may point the walk anywhere: follow with the junk itself as table addresses.
        for (long a : junk) {
            smmu.memory().write64(a & 0xFFFF_FFF8L, a);
            smmu.translate(TranslationRequest.of(SID, a, Access.READ));
        }
    }

    /** 120 register writes as offset, value pairs: values from anywhere, offsets from {@link #offset}. */
    static long[] registerWrites(RandomGenerator r) {
        long[] values = anyLongs(r, 120);
        long[] out = new long[240];
        for (int i = 0; i < 120; i++) {
            out[2 * i] = offset(r);
            out[2 * i + 1] = values[i];
        }
        return out;
    }

    /** Offsets spread over the whole space, biased to the interesting pages: GR0, GR1 and the banks. */
    static long offset(RandomGenerator r) {
        return switch (r.nextInt(0, 4)) {
            case 0 -> r.nextLong(0, 0x1001) & ~3L;
            case 1 -> r.nextLong(0x1000, 0x2001) & ~3L;
            case 2 -> r.nextLong(0x10000, 0x30001) & ~3L;
            default -> anyLong(r);
        };
    }

    /** Fails if a register write does not check its offset against the address map. */
    @Test
    void randomRegisterWritesNeverThrow() {
        qt(150).forAll(gen(SmmuV2Properties::registerWrites), booleans().all())
                .checkAssert(SmmuV2Properties::randomRegisterWritesNeverThrow);
    }

    private static void randomRegisterWritesNeverThrow(long[] writes, boolean sensible) {
        SmmuV2 smmu = machine();
        if (sensible) {
            SmmuV2Driver driver = new SmmuV2Driver(smmu, new Allocator(TABLES, 1 << 26));
            driver.reset();
            Domain d = driver.allocateStage1(Granule.GRANULE_4K, 48);
            driver.map(d, 0, OUTPUT, 0x1000, Permissions.READ);
            driver.attach(SID, 0, d);
        }
        for (int i = 0; i < writes.length; i += 2) {
            long off = writes[i];
            int width = (writes[i + 1] & 1) == 0 ? 4 : 8;
            smmu.mmioWrite(off, width, writes[i + 1]);
            smmu.mmioRead(off, width);
            int sid = (int) (writes[i + 1] >>> 40) & 0x7FFF;
            smmu.translate(new TranslationRequest(i % 3 == 0 ? SID : sid, TranslationRequest.NO_PASID,
                    writes[i + 1] & 0xFFFF_FFFFL, Access.values()[i % 3], (i & 4) != 0));
        }
        smmu.statistics();
        smmu.capabilities();
    }

    /** Fails if a register write does not check its offset against the address map. */
    @Test
    void anyAcceptedIdValuesWithRandomWritesNeverThrow() {
        qt(150).forAll(gen(SmmuV2Properties::anyInt), gen(SmmuV2Properties::anyInt), gen(SmmuV2Properties::anyInt),
                gen(SmmuV2Properties::registerWrites))
                .checkAssert(SmmuV2Properties::anyAcceptedIdValuesWithRandomWritesNeverThrow);
    }

    private static void anyAcceptedIdValuesWithRandomWritesNeverThrow(int idr0, int idr1, int idr2, long[] writes) {
        SmmuV2Config config;
        try {
            config = SmmuV2MachineKind.configure(Map.of("idr0", Integer.toUnsignedString(idr0),
                    "idr1", Integer.toUnsignedString(idr1), "idr2", Integer.toUnsignedString(idr2)));
        } catch (org.iommusim.core.iommu.MachineConfigException e) {
            return; // refused as a configuration error: nothing to run
        }
        SmmuV2 smmu = new SmmuV2(new PhysicalMemory(), config);
        long cbBase = smmu.addressMap().contextBankBase();
        for (int i = 0; i < writes.length; i += 2) {
            // Half the writes aimed at the context-bank half of this geometry.
            long off = (i & 2) == 0 ? writes[i] : cbBase + Math.floorMod(writes[i], cbBase) & ~3L;
            smmu.mmioWrite(off, 4, writes[i + 1]);
            smmu.mmioRead(off, 8);
            smmu.translate(new TranslationRequest((int) (writes[i + 1] >>> 48) & 0xFF, TranslationRequest.NO_PASID,
                    writes[i + 1] >>> 8, Access.values()[i % 3], (i & 4) != 0));
        }
        assertTrue(smmu.capabilities().containsKey("IDR0.NUMSMRG"));
    }

    @Test
    void blocksEqualReference() {
        qt(40).forAll(granules(), booleans().all(), lists().of(integers().between(0, 63)).ofSizeBetween(1, 6),
                gen(SmmuV2Properties::anyLong)).checkAssert(SmmuV2Properties::blocksEqualReference);
    }

    private static void blocksEqualReference(Granule g, boolean stage2, List<Integer> blocks, long seed) {
        SmmuV2 smmu = machine();
        SmmuV2Driver driver = new SmmuV2Driver(smmu, new Allocator(TABLES, 1 << 26));
        driver.reset();
        Domain d = stage2 ? driver.allocateStage2(g, 48, g == Granule.GRANULE_4K ? 0 : 1)
                : driver.allocateStage1(g, 48);
        long size = 1L << g.levelShift(2);   // 2 MiB, 32 MiB or 512 MiB
        Map<Long, Mapping> reference = new LinkedHashMap<>();
        for (int b : blocks) {
            reference.put((long) b, new Mapping(b, 63 - b, Permissions.READ | Permissions.WRITE));
        }
        for (Mapping m : reference.values()) {
            driver.map(d, m.page() * size, OUTPUT + m.frame() * size, size, m.permissions());
        }
        driver.attach(SID, 0, d);
        check(smmu, reference, size, 0, OUTPUT, seed, stage2 ? 2 : 1);
    }

    /** Fails if TLBIASID removes nothing. */
    @Test
    void remappedPagesStayStaleUntilInvalidated() {
        qt(40).forAll(granules(), gen(SmmuV2Properties::mappings), booleans().all())
                .checkAssert(SmmuV2Properties::remappedPagesStayStaleUntilInvalidated);
    }

    private static void remappedPagesStayStaleUntilInvalidated(Granule g, List<Mapping> list, boolean byAsid) {
        SmmuV2 smmu = machine();
        SmmuV2Driver driver = new SmmuV2Driver(smmu, new Allocator(TABLES, 1 << 26));
        driver.reset();
        Domain d = driver.allocateStage1(g, 48);
        long size = g.pageSize();
        for (Mapping m : list) {
            driver.map(d, m.page() * size, OUTPUT + m.frame() * size, size, Permissions.READ);
        }
        driver.attach(SID, 0, d);
        for (Mapping m : list) {
            smmu.translate(TranslationRequest.of(SID, m.page() * size, Access.READ));
        }
        // Software rewrites every leaf to the next frame, without maintenance: the TLB keeps the old ones.
        for (Mapping m : list) {
            driver.map(d, m.page() * size, OUTPUT + (m.frame() + 1) * size, size, Permissions.READ);
        }
        for (Mapping m : list) {
            TranslationResult r = assertInstanceOf(TranslationResult.class,
                    smmu.translate(TranslationRequest.of(SID, m.page() * size, Access.READ)));
            assertEquals(OUTPUT + m.frame() * size, r.pageBase());
        }
        if (byAsid) {
            smmu.mmioWrite(smmu.addressMap().contextBank(d.bank()) + 0x610, 4, d.asid());
        } else {
            for (Mapping m : list) {
                driver.invalidate(d, m.page() * size);
            }
        }
        for (Mapping m : list) {
            TranslationResult r = assertInstanceOf(TranslationResult.class,
                    smmu.translate(TranslationRequest.of(SID, m.page() * size, Access.READ)));
            assertEquals(OUTPUT + (m.frame() + 1) * size, r.pageBase());
        }
    }
}
