package org.iommusim.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Arbitrary;

class IommuArbitrariesProperties {
    @Provide
    Arbitrary<List<PageMapping>> mixed() {
        return IommuArbitraries.mappings(32, 40, List.of(1L << 12, 1L << 21, 1L << 30), 30);
    }

    @Property
    void mappingsNeverOverlapAndStayInRange(@ForAll("mixed") List<PageMapping> mappings) {
        for (int i = 0; i < mappings.size(); i++) {
            PageMapping m = mappings.get(i);
            assertTrue(Long.compareUnsigned(m.input() + m.size() - 1, 1L << 32) < 0);
            assertTrue(Long.compareUnsigned(m.output() + m.size() - 1, 1L << 40) < 0);
            for (int j = i + 1; j < mappings.size(); j++) {
                assertFalse(m.overlapsInput(mappings.get(j)), m + " overlaps " + mappings.get(j));
            }
            assertEquals(m.output() + 5, IommuArbitraries.reference(mappings, m.input() + 5));
            assertEquals(m.output() + m.size() - 1, IommuArbitraries.reference(mappings, m.input() + m.size() - 1));
        }
    }
}
