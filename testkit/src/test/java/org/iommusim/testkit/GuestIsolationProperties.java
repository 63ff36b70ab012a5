package org.iommusim.testkit;

import static org.iommusim.proptest.Props.gen;
import static org.iommusim.proptest.Props.qt;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import org.iommusim.core.memory.AccessPurpose;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationResult;
import org.iommusim.core.uapi.ErrnoException;
import org.iommusim.core.walk.MemoryReference;
import org.iommusim.core.walk.WalkTrace;
import org.iommusim.smmu.v3.cd.CdField;
import org.iommusim.testkit.invariant.Isolation;
import org.iommusim.testkit.machine.Machine;
import org.iommusim.testkit.machine.NestedGuest;
import org.junit.jupiter.api.Test;

/**
 * Whatever a guest writes into its own memory (random stage-1 tables, a random CD on SMMUv3, words that
 * point anywhere in guest-physical space, random bytes), no translation of its device, no stage-1 table
 * read made for it and no accessed/dirty update reaches host memory outside the VM's stage 2: translations
 * and stage-1 reads are checked against the VM's RAM, and memory outside it (bait frames around it and
 * elsewhere) is compared after the run. Seen to fail on all three vendors with the nested walker reading
 * stage-1 entries at their IPA instead of through stage 2 ("a stage-1 table read at 0x0 outside the VM").
 */
class GuestIsolationProperties {
    static final long BLOCK = 1L << 21;
    static final int BLOCKS = 8;
    static final long HOST_RAM = 0x1_0000_0000L;

    /** Guest-written pages: page-aligned guest-physical addresses and 512 words each. */
    record Case(List<Long> pages, List<long[]> words, List<Long> iovas, List<Long> bait, long cdFlip) {
        @Override
        public String toString() {
            return "pages=" + pages + " iovas=" + iovas;
        }
    }

    static Case caseOf(RandomGenerator r) {
        List<Long> pages = new ArrayList<>();
        int n = r.nextInt(1, 13);
        for (int i = 0; i < n; i++) {
            pages.add(r.nextLong(0, BLOCKS * BLOCK / 4096) * 4096);
        }
        List<long[]> words = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long[] w = new long[512];
            for (int j = 0; j < w.length; j++) {
                w[j] = word(r, pages);
            }
            words.add(w);
        }
        List<Long> iovas = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            iovas.add(r.nextBoolean() ? r.nextLong(0, 1L << 47) : r.nextLong(0, 1L << 32));
        }
        List<Long> bait = new ArrayList<>(List.of(HOST_RAM - 4096, HOST_RAM + BLOCKS * BLOCK, 0L, 0x1000L));
        for (int i = 0; i < 6; i++) {
            bait.add(r.nextLong(0, 1L << 40));
        }
        long cdFlip = r.nextInt(4) == 0 ? 1L << r.nextInt(64) : 0;
        return new Case(pages, words, iovas, bait, cdFlip);
    }

    /** Zero, a table-like pointer to another guest page (or past RAM), or anything. */
    private static long word(RandomGenerator r, List<Long> pages) {
        int pick = r.nextInt(8);
        if (pick < 1) {
            return 0;
        }
        if (pick < 7) {
            long target = r.nextInt(8) == 0 ? r.nextLong(0, 1L << 40) & ~0xFFFL : pages.get(r.nextInt(pages.size()));
            return target | (r.nextLong(0, 1L << 12) | 1) | (r.nextInt(4) == 0 ? r.nextLong() & 0xFFF0_0000_0000_0000L : 0);
        }
        return r.nextLong();
    }

    static void isolated(String kind, Case c) {
        Machine m = Machine.create(kind);
        List<PageMapping> ram = new ArrayList<>();
        for (int i = 0; i < BLOCKS; i++) {
            ram.add(new PageMapping(i * BLOCK, HOST_RAM + i * BLOCK, BLOCK));
        }
        for (int i = 0; i < c.pages().size(); i++) {
            long host = HOST_RAM + c.pages().get(i);
            long[] w = c.words().get(i);
            for (int j = 0; j < w.length; j++) {
                m.memory().write64(host + 8L * j, w[j], AccessPurpose.SOFTWARE);
            }
        }
        if (kind.equals("smmuv3")) {
            writeCd(m, HOST_RAM + c.pages().get(0), c.pages().get(c.pages().size() - 1), c.cdFlip());
        }
        NestedGuest guest;
        try {
            guest = NestedGuest.create(m, ram, 0x10, c.pages().get(0));
        } catch (ErrnoException e) {
            return; // the host driver refused what the guest asked for: nothing was bound
        }
        Isolation.Guard guard = Isolation.guard(m.memory(), f -> guest.owns(f) || Machine.inHostRegion(f),
                c.bait().stream().mapToLong(Long::longValue).toArray());
        WalkTrace.Recorder trace = new WalkTrace.Recorder();
        m.iommu().setWalkTrace(trace);
        for (long iova : c.iovas()) {
            for (Access a : List.of(Access.READ, Access.WRITE)) {
                Translation t = guest.translate(iova, a);
                if (t instanceof TranslationResult ok && !guest.owns(ok.outputAddress(iova))) {
                    throw new AssertionError(kind + ": 0x" + Long.toHexString(iova) + " reached 0x"
                            + Long.toHexString(ok.outputAddress(iova)) + " outside the VM");
                }
            }
        }
        for (MemoryReference ref : trace.references()) {
            if (ref.stage() == 1 && !guest.owns(ref.address())) {
                throw new AssertionError(kind + ": a stage-1 table read at 0x" + Long.toHexString(ref.address())
                        + " outside the VM");
            }
        }
        guard.check();
    }

    /**
     * What an SMMUv3 guest driver writes as its CD: valid, AArch64, 48-bit VA with a 4 KiB granule, TTB0 at
     * a guest page (the rest of the table is random), one bit of the first word flipped a quarter of the time.
     */
    private static void writeCd(Machine m, long host, long ttb0, long flip) {
        long dw0 = CdField.t0sz(16) | CdField.tg0(0) | CdField.epd1() | CdField.v() | CdField.ips(5) | CdField.aa64()
                | CdField.a() | CdField.r() | CdField.asid(7);
        m.memory().write64(host, dw0 ^ flip, AccessPurpose.SOFTWARE);
        m.memory().write64(host + 8, CdField.ttb(ttb0), AccessPurpose.SOFTWARE);
        m.memory().write64(host + 16, 0, AccessPurpose.SOFTWARE);
        m.memory().write64(host + 24, 0, AccessPurpose.SOFTWARE);
    }

    /** Fails if VT-d's nested walk read a first-stage entry at its guest-physical address instead of through the second stage. */
    @Test
    void vtdGuestTablesStayInsideTheVm() {
        qt(60).forAll(gen(GuestIsolationProperties::caseOf)).checkAssert(c -> isolated("vtd", c));
    }

    /** Fails if SMMUv3 fetched the CD or a stage-1 table without translating its IPA through stage 2. */
    @Test
    void smmuv3GuestTablesStayInsideTheVm() {
        qt(60).forAll(gen(GuestIsolationProperties::caseOf)).checkAssert(c -> isolated("smmuv3", c));
    }

    /** Fails if SMMUv2's nested bank walked stage 1 with untranslated table addresses. */
    @Test
    void smmuv2GuestTablesStayInsideTheVm() {
        qt(60).forAll(gen(GuestIsolationProperties::caseOf)).checkAssert(c -> isolated("smmuv2", c));
    }
}
