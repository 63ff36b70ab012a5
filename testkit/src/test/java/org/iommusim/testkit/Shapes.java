package org.iommusim.testkit;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.iommusim.testkit.gen.MappingShape;
import org.iommusim.testkit.machine.Machine;

/** The mapping shapes the testkit's own properties use: what each kind's host driver maps, below 2^39. */
final class Shapes {
    static final List<String> KINDS = List.of("smmuv2", "smmuv3", "vtd");
    static final long RAM_BASE = 0x1_0000_0000L;
    private static final Map<String, MappingShape> BY_KIND = new ConcurrentHashMap<>();

    private Shapes() {
    }

    static MappingShape of(String kind) {
        return BY_KIND.computeIfAbsent(kind, k -> MappingShape.of(Machine.create(k).driver(), 39, RAM_BASE, 34, 12));
    }
}
