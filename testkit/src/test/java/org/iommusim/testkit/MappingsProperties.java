package org.iommusim.testkit;

import static org.iommusim.proptest.Props.gen;
import static org.iommusim.proptest.Props.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.iommusim.core.request.Access;
import org.iommusim.testkit.gen.MappingShape;
import org.iommusim.testkit.gen.Mappings;
import org.iommusim.testkit.reference.Expected;
import org.iommusim.testkit.reference.ReferenceTranslator;
import org.junit.jupiter.api.Test;

/** The generators and the reference translator themselves: what every other property builds on. */
class MappingsProperties {
    static final MappingShape MIXED = new MappingShape(32, 0x1_0000_0000L, 40,
            List.of(1L << 12, 1L << 21, 1L << 30), 30, MappingShape.READ_WRITE_SETS);

    /** Fails if the generator lets two inputs or two outputs overlap, or leaves the shape's ranges. */
    @Test
    void mappingsNeverOverlapAndStayInRange() {
        qt(200).forAll(gen(r -> Mappings.mappingSet(r, MIXED))).checkAssert(mappings -> {
            for (int i = 0; i < mappings.size(); i++) {
                PageMapping m = mappings.get(i);
                assertTrue(Long.compareUnsigned(m.input() + m.size() - 1, 1L << 32) < 0, m.toString());
                assertTrue(Long.compareUnsigned(m.output() - MIXED.outputBase() + m.size() - 1, 1L << 40) < 0, m.toString());
                for (int j = i + 1; j < mappings.size(); j++) {
                    assertFalse(m.overlapsInput(mappings.get(j)), m + " overlaps " + mappings.get(j));
                    assertFalse(m.overlapsOutput(mappings.get(j)), m + " shares output with " + mappings.get(j));
                }
            }
        });
    }

    /**
     * The reference answers the mapping that covers an address, honours permissions and composes two
     * stages. Fails if it ignores the offset in the page, the permissions or the stage-2 step.
     */
    @Test
    void referenceTranslatesByTheCoveringMapping() {
        qt(200).forAll(gen(r -> Mappings.mappingSet(r, MIXED))).checkAssert(mappings -> {
            ReferenceTranslator ref = ReferenceTranslator.of(mappings);
            for (PageMapping m : mappings) {
                for (Access a : List.of(Access.READ, Access.WRITE)) {
                    Expected e = ref.translate(m.input() + m.size() - 1, a);
                    assertEquals(m.permits(a) ? Expected.ok(m.output() + m.size() - 1) : Expected.DENIED, e);
                }
                PageMapping s2 = new PageMapping(m.output(), 0x40_0000_0000L, m.size(), m.permissions());
                assertEquals(m.permits(Access.READ) ? Expected.ok(0x40_0000_0000L + 5) : Expected.DENIED,
                        ReferenceTranslator.nested(mappings, List.of(s2)).translate(m.input() + 5, Access.READ));
            }
            if (mappings.isEmpty()) {
                assertEquals(Expected.UNMAPPED, ref.translate(0, Access.READ));
            }
        });
    }
}
