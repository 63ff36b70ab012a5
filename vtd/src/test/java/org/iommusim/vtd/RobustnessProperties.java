package org.iommusim.vtd;

import java.util.List;

import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.vtd.preset.Presets;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Bad input is normal input: random bytes in every table, random register writes and random
 * invalidation descriptors never raise a Java exception (VT-d answers with faults and error bits).
 */
class RobustnessProperties {
    /** The frames the random tables live in; pointers are steered into them half of the time. */
    static final long[] FRAMES = {0x10000, 0x11000, 0x12000, 0x13000, 0x14000, 0x15000, 0x16000, 0x17000};

    @Provide
    Arbitrary<List<Long>> entries() {
        Arbitrary<Long> raw = Arbitraries.longs();
        Arbitrary<Long> pointing = Combinators.combine(Arbitraries.longs(), Arbitraries.of(
                0x10000L, 0x11000L, 0x12000L, 0x13000L, 0x14000L, 0x15000L, 0x16000L, 0x17000L))
                .as((v, f) -> (v & 0xFFF) | f | (v & 0x8000_0000_0000_0000L));
        Arbitrary<Long> small = Arbitraries.longs().between(0, 0xFFF);
        return Arbitraries.oneOf(raw, pointing, small, Arbitraries.just(0L)).list().ofMinSize(1).ofMaxSize(700);
    }

    @Provide
    Arbitrary<List<TranslationRequest>> requests() {
        return Combinators.combine(Arbitraries.integers().between(0, 0xFFFF),
                Arbitraries.oneOf(Arbitraries.just(TranslationRequest.NO_PASID), Arbitraries.integers().between(0, 127),
                        Arbitraries.integers().between(0, TranslationRequest.MAX_PASID)),
                Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(0, 1L << 32)),
                Arbitraries.of(Access.values()), Arbitraries.of(true, false))
                .as(TranslationRequest::new).list().ofMaxSize(60);
    }

    @Provide
    Arbitrary<String> presets() {
        return Arbitraries.of(Presets.names());
    }

    @Property(tries = 300)
    void randomTablesNeverThrow(@ForAll("entries") List<Long> words, @ForAll("requests") List<TranslationRequest> reqs,
                                @ForAll boolean scalable, @ForAll("presets") String preset) {
        VtdIommu u = new VtdIommu(new PhysicalMemory(40), Presets.get(preset));
        PhysicalMemory m = u.memory();
        // fill the table frames with the random words, repeating them across every frame
        for (int f = 0; f < FRAMES.length && !words.isEmpty(); f++) {
            for (int i = 0; i < 512; i++) {
                m.write64(FRAMES[f] + 8L * i, words.get((f * 512 + i) % words.size()));
            }
        }
        u.mmioWrite(0x20, 8, 0x10000 | (scalable ? 0x400 : 0));
        u.mmioWrite(0x18, 4, 0x4000_0000);
        u.mmioWrite(0x18, 4, 0x8000_0000);
        for (TranslationRequest r : reqs) {
            u.translate(r);
            u.translate(r.atIova(r.iova() & 0x1F_FFFFL)); // addresses the random tables can reach
        }
        u.statistics();
        u.capabilities();
    }

    @Provide
    Arbitrary<List<long[]>> registerWrites() {
        Arbitrary<Long> offset = Arbitraries.oneOf(Arbitraries.longs().between(0, 0x1000),
                Arbitraries.of(0x18L, 0x20L, 0x28L, 0x34L, 0x38L, 0x80L, 0x88L, 0x90L, 0x9CL, 0xA0L, 0x400L, 0x408L,
                        0x40CL, 0x500L, 0x508L, 0x50CL));
        Arbitrary<Long> value = Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(0, 0x1_0000L),
                Arbitraries.of(0x8000_0000L, 0x4000_0000L, 0x0400_0000L, 0x8400_0000L, 0x10400L, 0x60800L, 0x60000L));
        return Combinators.combine(offset, value, Arbitraries.of(4, 8))
                .as((o, v, w) -> new long[] {o, v, w}).list().ofMaxSize(80);
    }

    @Property(tries = 300)
    void randomRegisterWritesNeverThrow(@ForAll("registerWrites") List<long[]> writes,
                                        @ForAll("requests") List<TranslationRequest> reqs, @ForAll("presets") String preset) {
        VtdIommu u = new VtdIommu(new PhysicalMemory(), Presets.get(preset));
        int i = 0;
        for (long[] w : writes) {
            u.mmioWrite(w[0], (int) w[2], w[1]);
            u.mmioRead(w[0], (int) w[2]);
            if (!reqs.isEmpty()) {
                u.translate(reqs.get(i++ % reqs.size()));
            }
        }
    }

    @Property(tries = 300)
    void randomDescriptorsNeverThrow(@ForAll("entries") List<Long> words, @ForAll boolean wide,
                                     @ForAll List<Integer> tails, @ForAll("presets") String preset) {
        VtdIommu u = new VtdIommu(new PhysicalMemory(36), Presets.get(preset));
        PhysicalMemory m = u.memory();
        for (int i = 0; i < 512 && !words.isEmpty(); i++) {
            long w = words.get(i % words.size());
            // keep the type field plausible half of the time so that the checks behind it run
            m.write64(0x60000 + 8L * i, (i % 2 == 0 && (w & 1) == 0) ? (w & ~0xE0FL) | (1 + (i / 2) % 9) : w);
        }
        u.mmioWrite(0x88, 8, 0);
        u.mmioWrite(0x90, 8, 0x60000 | (wide ? 0x800 : 0));
        u.mmioWrite(0x18, 4, 0x0400_0000);
        for (int t : tails) {
            u.mmioWrite(0x88, 8, t & 0x7_FFFF);
            if ((t & 1) == 0) {
                u.mmioWrite(0x34, 4, 0x10); // clear IQE and resume
            }
        }
        u.statistics();
    }

    /**
     * Valid root, context and PASID entries for every PGTT (built by the driver), over page tables whose
     * frames are then overwritten with random words: the walks of both stages, nested included, meet
     * garbage at every level.
     */
    @Property(tries = 200)
    void randomPageTablesUnderValidEntriesNeverThrow(@ForAll("entries") List<Long> words,
                                                    @ForAll("requests") List<TranslationRequest> reqs) {
        VtdIommu u = new VtdIommu(new PhysicalMemory(36), Presets.DEFAULT);
        org.iommusim.vtd.driver.VtdDriver d = new org.iommusim.vtd.driver.VtdDriver(u, 0x10_0000L, 0x80_0000L);
        if (!d.init(true)) {
            throw new AssertionError("init");
        }
        long[] next = {0x1000};
        org.iommusim.vtd.driver.IoPageTable fs = d.newGuestFirstStageTable(4, () -> {
            long f = next[0];
            next[0] += 0x1000;
            return f;
        }, gpa -> gpa);
        org.iommusim.vtd.driver.IoPageTable ss = d.newSecondStageTable(4);
        d.setPasidEntry(8, 1, org.iommusim.vtd.driver.PasidSetup.firstStage(1, fs));
        d.setPasidEntry(8, 2, org.iommusim.vtd.driver.PasidSetup.secondStage(2, ss));
        d.setPasidEntry(8, 3, org.iommusim.vtd.driver.PasidSetup.nested(3, fs, ss));
        d.setPasidEntry(8, 4, new org.iommusim.vtd.driver.PasidSetup(org.iommusim.vtd.pasid.Pgtt.NESTED, 4, fs, ss,
                true, true, true, true));
        PhysicalMemory m = u.memory();
        long[] roots = {fs.root(), ss.root(), 0x1000, 0x2000, 0x3000};
        for (int f = 0; f < roots.length; f++) {
            for (int i = 0; i < 512; i++) {
                long w = words.get((f * 512 + i) % words.size());
                // steer pointers into the table frames
                m.write64(roots[f] + 8L * i, (w & 0xFFF) != 0 && (i & 1) == 0
                        ? (w & 0x8000_0000_0000_0FFFL) | roots[(int) ((w >>> 12) & 0x3) % roots.length] : w);
            }
        }
        for (TranslationRequest r : reqs) {
            int pasid = 1 + Math.floorMod(r.pasid(), 4);
            u.translate(new TranslationRequest(8, pasid, r.iova() & 0x7F_FFFF_FFFFL, r.access(), r.privileged()));
            u.translate(new TranslationRequest(8, pasid, r.iova() & 0x3F_FFFFL, r.access(), r.privileged()));
        }
    }
}
