package org.iommusim.testkit;

import static org.iommusim.proptest.Props.gen;
import static org.iommusim.proptest.Props.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.iommusim.core.request.Access;
import org.iommusim.core.request.Fault;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.testkit.machine.Machine;
import org.iommusim.testkit.machine.Vm;
import org.junit.jupiter.api.Test;

/**
 * Nothing is lost: storms of faulting requests, with the kernel's fault handler running only now and then
 * (a slow interrupt), are each either recorded (and later handled) or counted as dropped, and the drops are
 * exactly the overflow the specification defines: between two handler runs the unit records up to its
 * capacity (VT-d: CAP.NFR fault recording registers, 7.2.1; SMMUv3: the event queue's entries, 7.4) and
 * drops the rest (FSTS.PFO / EVENTQ overflow). Fails if a fault is recorded twice, if a record is kept
 * while the slot is full, or if an overflowed fault is not counted (seen: VT-d not counting faults dropped
 * while FSTS.PFO is set, "expected 200 but was 9").
 */
class FaultAccountingProperties {
    /** The number of faulting requests between two runs of the fault handler, for each run. */
    static List<Integer> bursts(java.util.random.RandomGenerator r) {
        int n = r.nextInt(1, 12);
        List<Integer> b = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            b.add(r.nextInt(4) == 0 ? r.nextInt(200, 600) : r.nextInt(0, 40));
        }
        return b;
    }

    static void accounted(String kind, String recordedKey, String droppedKey, List<Integer> bursts) {
        Machine m = Machine.create(kind);
        Vm vm = m.vm(List.of(), 0x10);
        long capacity = -1;
        long recordedBefore = 0;
        long droppedBefore = 0;
        long iova = 0;
        for (int k : bursts) {
            for (int i = 0; i < k; i++) {
                iova += 0x1000;
                assertInstanceOf(Fault.class, m.iommu().translate(TranslationRequest.of(0x10, iova, Access.READ)));
            }
            Map<String, Long> s = m.iommu().statistics();
            long recorded = s.get(recordedKey) - recordedBefore;
            long dropped = s.get(droppedKey) - droppedBefore;
            assertEquals(k, recorded + dropped, kind + ": every fault of the burst recorded or dropped");
            if (dropped > 0) {
                if (capacity < 0) {
                    capacity = recorded;
                }
                assertEquals(capacity, recorded, kind + ": a burst that overflows records exactly the capacity");
            } else {
                assertTrue(capacity < 0 || k <= capacity, kind + ": a burst within the capacity drops nothing");
            }
            assertEquals(recorded, m.driver().handleFaults(), kind + ": the handler finds every record");
            recordedBefore = s.get(recordedKey);
            droppedBefore = s.get(droppedKey);
        }
        assertTrue(vm.mappings().isEmpty());
    }

    @Test
    void vtdFaultsAreRecordedOrOverflowed() {
        qt(30).forAll(gen(FaultAccountingProperties::bursts))
                .checkAssert(b -> accounted("vtd", "faults.recorded", "faults.overflowed", b));
    }

    @Test
    void smmuv3EventsAreRecordedOrDiscarded() {
        qt(30).forAll(gen(FaultAccountingProperties::bursts))
                .checkAssert(b -> accounted("smmuv3", "events.recorded", "events.discarded", b));
    }

    /** The properties above reach the overflow: 600 faults without a handler run overflow both units. */
    @Test
    void aLongBurstOverflowsBothUnits() {
        for (String[] k : new String[][] {{"vtd", "faults.overflowed"}, {"smmuv3", "events.discarded"}}) {
            Machine m = Machine.create(k[0]);
            m.vm(List.of(), 0x10);
            for (int i = 0; i < 600; i++) {
                m.iommu().translate(TranslationRequest.of(0x10, 0x1000L * i, Access.READ));
            }
            assertTrue(m.iommu().statistics().get(k[1]) > 0, k[0] + " overflowed");
        }
    }
}
