package org.iommusim.testkit;

import static org.iommusim.proptest.Props.gen;
import static org.iommusim.proptest.Props.qt;

import java.util.List;
import java.util.random.RandomGenerator;

import org.iommusim.core.request.Access;
import org.iommusim.testkit.gen.Mappings;
import org.iommusim.testkit.machine.Machine;
import org.iommusim.testkit.machine.Vm;
import org.iommusim.testkit.reference.Expected;
import org.iommusim.testkit.reference.ReferenceTranslator;
import org.junit.jupiter.api.Test;

/**
 * Through each vendor's host driver (VT-d second stage, SMMUv3 stage 2, SMMUv2 stage 2, every page size
 * the driver maps), the model's translation equals the reference translator's: the output address for a
 * mapped page with the permission, a fault for an unmapped address or a missing permission. The "Fails if"
 * sentences below are what each checks; these three were not broken deliberately themselves (the vendors' own
 * TranslationProperties were, with the same breaks: docs/testing.md).
 */
class CorrectnessProperties {
    record Case(List<PageMapping> ram, List<Long> probes) {
    }

    static Case caseOf(RandomGenerator r, String kind) {
        List<PageMapping> ram = Mappings.mappingSet(r, Shapes.of(kind));
        List<Long> probes = new java.util.ArrayList<>();
        for (PageMapping m : ram) {
            probes.add(m.input() + r.nextLong(0, m.size()));
            probes.add(m.input() + m.size()); // the first byte after it: often unmapped
        }
        probes.add(r.nextLong(0, 1L << 39));
        return new Case(ram, probes);
    }

    static void matchesTheReference(String kind, Case c) {
        Vm vm = Machine.create(kind).vm(c.ram(), 0x10);
        ReferenceTranslator ref = ReferenceTranslator.of(c.ram());
        for (long iova : c.probes()) {
            for (Access a : List.of(Access.READ, Access.WRITE)) {
                Expected e = ref.translate(iova, a);
                String mismatch = e.mismatch(iova, vm.machine().translate(0x10, iova, a));
                if (mismatch != null) {
                    throw new AssertionError(kind + " " + a + ": " + mismatch);
                }
            }
        }
    }

    /** Fails if VT-d's second-stage walk drops the offset in a large page or ignores the W bit. */
    @Test
    void vtdSecondStageMatchesTheReference() {
        qt(60).forAll(gen(r -> caseOf(r, "vtd"))).checkAssert(c -> matchesTheReference("vtd", c));
    }

    /** Fails if SMMUv3's stage-2 walk ignores S2AP write permission or misplaces a block's output. */
    @Test
    void smmuv3Stage2MatchesTheReference() {
        qt(60).forAll(gen(r -> caseOf(r, "smmuv3"))).checkAssert(c -> matchesTheReference("smmuv3", c));
    }

    /** Fails if SMMUv2's stage-2 context bank ignores S2AP or a block's size. */
    @Test
    void smmuv2Stage2MatchesTheReference() {
        qt(60).forAll(gen(r -> caseOf(r, "smmuv2"))).checkAssert(c -> matchesTheReference("smmuv2", c));
    }
}
