package org.iommusim.testkit.gen;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import org.iommusim.core.request.Access;
import org.iommusim.testkit.PageMapping;

/** Random workloads: interleavings of map, unmap, translate and DMA, as plain functions of a RandomGenerator. */
public final class Operations {
    private Operations() {
    }

    /**
     * {@code length} operations against a VM with {@code devices} devices. Requests mostly hit pages an
     * earlier step mapped (at a random offset, sometimes just past the end), so that they exercise hits,
     * misses after unmap and permission faults rather than only unmapped addresses.
     */
    public static List<Operation> workload(RandomGenerator r, MappingShape shape, int devices, int length) {
        List<Operation> ops = new ArrayList<>(length);
        List<PageMapping> made = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            int pick = r.nextInt(10);
            if (pick < 2 || made.isEmpty()) {
                PageMapping m = Mappings.one(r, shape);
                made.add(m);
                ops.add(new Operation.Map(m));
            } else if (pick < 3) {
                ops.add(new Operation.Unmap(r.nextInt(0, 64)));
            } else {
                int device = r.nextInt(devices);
                long iova = address(r, made, shape);
                if (pick < 7) {
                    ops.add(new Operation.Translate(device, iova, Access.values()[r.nextInt(2)]));
                } else if (pick < 9) {
                    ops.add(new Operation.DmaWrite(device, iova, r.nextInt(1, 65), (byte) r.nextInt(1, 256)));
                } else {
                    ops.add(new Operation.DmaRead(device, iova, r.nextInt(1, 65)));
                }
            }
        }
        return ops;
    }

    private static long address(RandomGenerator r, List<PageMapping> made, MappingShape shape) {
        if (r.nextInt(8) == 0) {
            return r.nextLong(0, 1L << Math.min(62, shape.inputBits())) & ~7L;
        }
        PageMapping m = made.get(r.nextInt(made.size()));
        long offset = r.nextInt(16) == 0 ? m.size() + r.nextLong(0, 4096) : r.nextLong(0, m.size());
        return (m.input() + offset) & ~7L;
    }
}
