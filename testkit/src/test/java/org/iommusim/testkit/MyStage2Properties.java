package org.iommusim.testkit;

import static org.iommusim.proptest.Props.gen;
import static org.iommusim.proptest.Props.qt;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.iommusim.core.request.Access;
import org.iommusim.core.request.Translation;
import org.iommusim.testkit.gen.MappingShape;
import org.iommusim.testkit.gen.Mappings;
import org.iommusim.testkit.machine.Machine;
import org.iommusim.testkit.machine.Vm;
import org.junit.jupiter.api.Test;

/** The example of docs/testkit.md, kept compiling and passing here (the doc shows the class body). */
class MyStage2Properties {
    static final MappingShape SHAPE = MappingShape.of(Machine.create("smmuv3").driver(), 39, 0x1_0000_0000L, 34, 16);

    @Test
    void everyMappedPageTranslates() {
        qt(100).forAll(gen(r -> Mappings.mappingSet(r, SHAPE))).checkAssert(ram -> {
            Vm vm = Machine.create("smmuv3").vm(ram, 0x10);
            for (PageMapping m : ram) {
                long iova = m.input() + m.size() / 2;
                Translation t = vm.machine().translate(0x10, iova, Access.READ);
                assertNull(vm.reference().translate(iova, Access.READ).mismatch(iova, t));
            }
        });
    }
}
