package org.iommusim.smmu.v3.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.request.TranslationResult;
import org.iommusim.smmu.v3.SmmuV3;
import org.iommusim.smmu.v3.preset.Presets;
import org.iommusim.smmu.v3.ste.StreamTableEntry;
import org.iommusim.smmu.vmsa.Granule;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cases of Linux's io-pgtable-arm selftest (arm_lpae_run_tests) for the driver's page tables: every
 * granule, OAS from 32 to 48 bits with every IAS up to it, stage 1 and stage 2. Beyond what Linux checks,
 * each mapping is also translated by the SMMU model the table is attached to, which must agree with
 * iovaToPhys.
 */
class IoPageTableSelftestTest {
    private static final int[] SIZES = {32, 36, 40, 42, 44, 48};
    private static final long GIB = 1L << 30;

    static Stream<Arguments> configurations() {
        List<Arguments> list = new ArrayList<>();
        for (Granule g : Granule.values()) {
            for (int j = 0; j < SIZES.length; j++) {
                for (int k = 0; k <= j; k++) {
                    for (int stage = 1; stage <= 2; stage++) {
                        list.add(Arguments.of(g, SIZES[k], SIZES[j], stage));
                    }
                }
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} ias={1} oas={2} stage {3}")
    @MethodSource("configurations")
    void selftest(Granule g, int ias, int oas, int stage) {
        // memory large enough for the mapped physical addresses (pa = iova) up to 2^oas
        PhysicalMemory memory = new PhysicalMemory(Math.max(oas, 40) + 1);
        SmmuV3 smmu = new SmmuV3(memory, Presets.DEFAULT);
        // tables below 2^32, so every OAS reaches them (they may overlap the identity mappings: only
        // translations are checked, no data moves)
        PageAllocator allocator = new PageAllocator(DriverMemory.physical(memory), 0xC000_0000L, 0xF000_0000L);
        SmmuV3Driver driver = new SmmuV3Driver(smmu, allocator, SmmuV3Driver.StreamTableFormat.LINEAR, 4);
        driver.init();
        IoPageTable t = new IoPageTable(allocator, stage, g, ias, oas);
        if (stage == 1) {
            CdTable cds = new CdTable(allocator, StreamTableEntry.S1FMT_LINEAR, 0);
            cds.write(0, 1, t, 0);
            driver.attachStage1(1, cds);
        } else {
            driver.attachStage2(1, 1, t);
        }
        // 2: an empty table maps nothing
        assertEquals(0, t.iovaToPhys(42));
        assertEquals(0, t.iovaToPhys(GIB + 42));
        assertEquals(0, t.iovaToPhys(2 * GIB + 42));
        long[] sizes = t.pageSizes();
        // 3: map each page size at 0, 1G, 2G ... (identity), refuse an overlapping map
        long iova = 0;
        for (long size : sizes) {
            if ((iova >>> ias) != 0 || ((iova + size - 1) >>> ias) != 0) {
                continue;
            }
            assertEquals(0, t.map(iova, iova, size, Prot.READ | Prot.WRITE | Prot.NOEXEC | Prot.CACHE));
            assertNotEquals(0, t.map(iova, iova + size, size, Prot.READ | Prot.NOEXEC));
            assertEquals(iova + 42, t.iovaToPhys(iova + 42));
            assertTranslates(smmu, iova + 42, iova + 42);
            iova += GIB;
        }
        // 4 (the older selftest): a partial unmap splits the block mapped at 1G
        long small = sizes[0];
        if (sizes.length > 1 && ((GIB + sizes[1]) >>> ias) == 0) {
            assertEquals(small, t.unmap(GIB + small, small));
            assertEquals(0, t.iovaToPhys(GIB + small + 42));
            assertEquals(GIB + 2 * small + 42, t.iovaToPhys(GIB + 2 * small + 42)); // the rest still mapped
            assertEquals(0, t.map(GIB + small, small, small, Prot.READ));
            assertEquals(small + 42, t.iovaToPhys(GIB + small + 42));
            assertTranslates(smmu, GIB + 2 * small + 42, GIB + 2 * small + 42);
            assertEquals(small, t.unmap(GIB + small, small));
            assertEquals(0, t.map(GIB + small, GIB + small, small, Prot.READ | Prot.WRITE));
        }
        // 5: unmap each, check it is gone, map it again write-only
        iova = 0;
        for (long size : sizes) {
            if ((iova >>> ias) != 0 || ((iova + size - 1) >>> ias) != 0) {
                continue;
            }
            assertEquals(size, t.unmap(iova, size));
            assertEquals(0, t.iovaToPhys(iova + 42));
            assertEquals(0, t.map(iova, iova, size, Prot.WRITE));
            assertEquals(iova + 42, t.iovaToPhys(iova + 42));
            iova += GIB;
        }
        // 6: the largest size at the top of the input range (the last entry of a concatenated pgd)
        long largest = sizes[sizes.length - 1];
        long top = (1L << ias) - largest;
        if (top >= 0 && ((top >>> oas) == 0)) {
            assertEquals(0, t.map(top, top, largest, Prot.READ | Prot.WRITE | Prot.NOEXEC | Prot.CACHE));
            assertEquals(top + 42, t.iovaToPhys(top + 42));
            assertTranslates(smmu, top + 42, top + 42);
            assertEquals(largest, t.unmap(top, largest));
        }
        // addresses outside IAS/OAS are refused
        assertEquals(IoPageTable.ERANGE, t.map(1L << ias, 0, sizes[0], Prot.READ));
        assertTrue(driver.sync());
    }

    private static void assertTranslates(SmmuV3 smmu, long iova, long pa) {
        Translation r = smmu.translate(new TranslationRequest(1, TranslationRequest.NO_PASID, iova, Access.READ,
                false));
        assertTrue(r.ok(), () -> "translation of 0x" + Long.toHexString(iova) + ": " + r);
        assertEquals(pa, ((TranslationResult) r).outputAddress(iova));
    }
}
