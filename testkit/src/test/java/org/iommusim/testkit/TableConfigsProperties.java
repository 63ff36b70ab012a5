package org.iommusim.testkit;

import static org.iommusim.proptest.Props.gen;
import static org.iommusim.proptest.Props.qt;

import java.util.List;

import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.walk.WalkResult;
import org.iommusim.core.walk.WalkTrace;
import org.iommusim.core.walk.Walker;
import org.iommusim.smmu.v2.driver.Allocator;
import org.iommusim.smmu.v2.driver.TableMemory;
import org.iommusim.smmu.v2.driver.VmsaPageTable;
import org.iommusim.smmu.vmsa.VmsaFormat;
import org.iommusim.testkit.gen.Mappings;
import org.iommusim.testkit.gen.TableConfigs;
import org.iommusim.testkit.reference.ReferenceTranslator;
import org.junit.jupiter.api.Test;

/**
 * The configuration generators make regimes the walker can use: a random VMSAv8-64 stage-1 or stage-2
 * regime, filled with a mapping set of its own shape, walks to exactly what the reference says. Fails if a
 * shape offered a block size its granule does not allow at that level, or an input wider than the regime.
 */
class TableConfigsProperties {
    /** Where the tables live: below 2^32, inside every output size (the walker checks table addresses too). */
    static final long TABLES = 0x8000_0000L;

    record Case(VmsaFormat format, List<PageMapping> mappings) {
    }

    private static void walksToTheReference(Case c) {
        PhysicalMemory memory = new PhysicalMemory();
        VmsaPageTable table = new VmsaPageTable(c.format(), TableMemory.physical(memory), new Allocator(TABLES, 1L << 28));
        for (PageMapping m : c.mappings()) {
            table.map(m.input(), m.output(), m.size(), m.permissions(), false);
        }
        for (PageMapping m : c.mappings()) {
            for (long iova : new long[] {m.input(), m.input() + m.size() - 8, m.input() + m.size()}) {
                if (iova >>> c.format().inputBits() != 0) {
                    continue; // the vendors check the input range before they walk
                }
                WalkResult w = Walker.walk(memory, c.format(), table.root(), iova, c.format().stage(), WalkTrace.NONE);
                PageMapping covering = ReferenceTranslator.covering(c.mappings(), iova);
                boolean mapped = covering != null;
                if (mapped != w.ok() || mapped && w.translate(iova) != covering.translate(iova)) {
                    throw new AssertionError(c.format() + " 0x" + Long.toHexString(iova) + ": walk " + w);
                }
            }
        }
    }

    @Test
    void vmsaStage1RegimesWalkToTheReference() {
        qt(100).forAll(gen(r -> {
            VmsaFormat f = TableConfigs.vmsaStage1(r);
            return new Case(f, Mappings.mappingSet(r, TableConfigs.vmsaShape(f, 10)));
        })).checkAssert(TableConfigsProperties::walksToTheReference);
    }

    @Test
    void vmsaStage2RegimesWalkToTheReference() {
        qt(100).forAll(gen(r -> {
            VmsaFormat f = TableConfigs.vmsaStage2(r);
            return new Case(f, Mappings.mappingSet(r, TableConfigs.vmsaShape(f, 10)));
        })).checkAssert(TableConfigsProperties::walksToTheReference);
    }

    /** VT-d widths: AGAW 39/48/57 for 3/4/5 levels (VT-d 3.7, CAP.SAGAW); first stage 4 or 5 levels (3.6). */
    @Test
    void vtdLevelsAndShapes() {
        qt(50).forAll(gen(r -> new int[] {TableConfigs.vtdFirstStageLevels(r), TableConfigs.vtdSecondStageLevels(r)}))
                .checkAssert(l -> {
                    if (l[0] < 4 || l[0] > 5 || l[1] < 3 || l[1] > 5) {
                        throw new AssertionError(java.util.Arrays.toString(l));
                    }
                    org.junit.jupiter.api.Assertions.assertEquals(12 + 9 * l[1],
                            TableConfigs.vtdShape(l[1], 0, 40, 4).inputBits());
                });
    }
}
