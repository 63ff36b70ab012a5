package org.iommusim.testkit;

import static org.iommusim.proptest.Props.gen;
import static org.iommusim.proptest.Props.qt;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import org.iommusim.core.dma.DmaResult;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationResult;
import org.iommusim.testkit.gen.Mappings;
import org.iommusim.testkit.gen.Operation;
import org.iommusim.testkit.gen.Operations;
import org.iommusim.testkit.invariant.Isolation;
import org.iommusim.testkit.machine.Machine;
import org.iommusim.testkit.machine.Vm;
import org.junit.jupiter.api.Test;

/**
 * Two VMs on one IOMMU: whatever VM A's devices ask for, no DMA reaches memory outside A's stage 2 (VM B's
 * RAM and the frames around A's RAM are filled with a pattern first and compared after; the host driver's
 * own region may change), and B's device never reaches A's memory. Seen to fail: with the SMMUv3 TLB key
 * built without the VMID ("B's device reached A's memory"), and with A's own RAM left out of the allowed
 * memory (the guard names the first changed byte).
 */
class IsolationProperties {
    record Case(List<PageMapping> a, List<PageMapping> b, List<Operation> traffic, List<Long> bait) {
    }

    static Case caseOf(RandomGenerator r, String kind) {
        List<PageMapping> all = Mappings.mappingSet(r, Shapes.of(kind));
        List<PageMapping> a = new ArrayList<>();
        List<PageMapping> b = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            (i % 2 == 0 ? a : b).add(all.get(i));
        }
        List<Operation> traffic = new ArrayList<>();
        for (Operation op : Operations.workload(r, Shapes.of(kind), 2, 80)) {
            if (op instanceof Operation.Translate || op instanceof Operation.DmaWrite || op instanceof Operation.DmaRead) {
                traffic.add(op);
            }
        }
        List<Long> bait = new ArrayList<>();
        for (PageMapping m : a) {
            bait.add(m.output() - 4096);
            bait.add(m.output() + m.size());
        }
        for (PageMapping m : b) {
            bait.add(m.output());
            bait.add(m.output() + m.size() - 4096);
        }
        for (int i = 0; i < 8; i++) {
            bait.add(Shapes.RAM_BASE + r.nextLong(0, 1L << 34));
        }
        return new Case(a, b, traffic, bait);
    }

    static void isolated(String kind, Case c) {
        Machine m = Machine.create(kind);
        Vm a = m.vm(c.a(), 0x10, 0x18);
        Vm b = m.vm(c.b(), 0x20);
        Isolation.Guard guard = Isolation.guard(m.memory(), f -> a.owns(f) || Machine.inHostRegion(f),
                c.bait().stream().mapToLong(Long::longValue).toArray());
        int[] sids = a.devices();
        for (Operation op : c.traffic()) {
            if (op instanceof Operation.Translate t) {
                Translation r = m.translate(sids[t.device() % 2], t.iova(), t.access());
                if (r instanceof TranslationResult ok && !a.owns(ok.outputAddress(t.iova()))) {
                    throw new AssertionError(kind + ": A's device reached 0x" + Long.toHexString(ok.outputAddress(t.iova())));
                }
            } else if (op instanceof Operation.DmaWrite w) {
                m.dmaWrite(sids[w.device() % 2], w.iova(), new byte[w.length()]);
            } else if (op instanceof Operation.DmaRead rd) {
                DmaResult d = m.dmaRead(sids[rd.device() % 2], rd.iova(), rd.length());
                if (d.bytesDone() > 0 && !a.owns(d.firstOutputAddress())) {
                    throw new AssertionError(kind + ": A's device read 0x" + Long.toHexString(d.firstOutputAddress()));
                }
            }
        }
        for (PageMapping pa : c.a()) {
            Translation r = m.translate(0x20, pa.input(), Access.READ);
            if (r instanceof TranslationResult ok && a.owns(ok.outputAddress(pa.input()))) {
                throw new AssertionError(kind + ": B's device reached A's memory at 0x" + Long.toHexString(ok.outputAddress(pa.input())));
            }
        }
        guard.check();
    }

    /** Fails if VT-d looked up a device's context entry by the wrong bus/devfn, or wrote a DMA past a page. */
    @Test
    void vtdVmsStayApart() {
        qt(40).forAll(gen(r -> caseOf(r, "vtd"))).checkAssert(c -> isolated("vtd", c));
    }

    /** Fails if SMMUv3 tagged the TLB without the VMID (A's entries would serve B). */
    @Test
    void smmuv3VmsStayApart() {
        qt(40).forAll(gen(r -> caseOf(r, "smmuv3"))).checkAssert(c -> isolated("smmuv3", c));
    }

    /** Fails if SMMUv2 matched a stream to the wrong context bank or its TLB ignored the VMID. */
    @Test
    void smmuv2VmsStayApart() {
        qt(40).forAll(gen(r -> caseOf(r, "smmuv2"))).checkAssert(c -> isolated("smmuv2", c));
    }
}
