package org.iommusim.testkit.invariant;

import java.util.Arrays;
import java.util.List;

import org.iommusim.testkit.PageMapping;
import org.iommusim.testkit.gen.Operation;
import org.iommusim.testkit.machine.Machine;
import org.iommusim.testkit.machine.Vm;

/**
 * Caches are invisible: the same workload, run on a machine with its default caches and on one with every
 * cache off ({@code caches=none}), gives the same answer at every step, as long as the driver issues the
 * invalidations the specification requires (the host drivers do, on every unmap).
 */
public final class CacheTransparency {
    private CacheTransparency() {
    }

    /** Runs {@code ops} on both machines of {@code kind}; throws AssertionError at the first step that differs. */
    public static void check(String kind, int devices, List<Operation> ops) {
        int[] sids = new int[devices];
        for (int i = 0; i < devices; i++) {
            sids[i] = 0x10 + 8 * i;
        }
        Vm cached = Machine.create(kind).vm(List.of(), sids);
        Vm uncached = Machine.withoutCaches(kind).vm(List.of(), sids);
        for (int i = 0; i < ops.size(); i++) {
            String a = step(cached, ops.get(i));
            String b = step(uncached, ops.get(i));
            if (!a.equals(b)) {
                throw new AssertionError(kind + " step " + i + " " + ops.get(i) + ": with caches '" + a
                        + "', without '" + b + "'");
            }
        }
    }

    /** Runs one operation and says what it observed. */
    public static String step(Vm vm, Operation op) {
        int[] sids = vm.devices();
        Machine m = vm.machine();
        if (op instanceof Operation.Map map) {
            return Outcomes.of(vm.map(map.mapping()));
        }
        if (op instanceof Operation.Unmap u) {
            List<PageMapping> held = vm.mappings();
            return held.isEmpty() ? "nothing to unmap" : "unmapped " + vm.unmap(held.get(u.index() % held.size()));
        }
        if (op instanceof Operation.Translate t) {
            return Outcomes.of(t.iova(), m.translate(sids[t.device() % sids.length], t.iova(), t.access()));
        }
        if (op instanceof Operation.DmaWrite w) {
            byte[] data = new byte[w.length()];
            Arrays.fill(data, w.value());
            return Outcomes.of(m.dmaWrite(sids[w.device() % sids.length], w.iova(), data));
        }
        Operation.DmaRead rd = (Operation.DmaRead) op;
        return Outcomes.of(m.dmaRead(sids[rd.device() % sids.length], rd.iova(), rd.length()));
    }
}
