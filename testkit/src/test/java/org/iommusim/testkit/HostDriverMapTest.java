package org.iommusim.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.iommusim.core.request.Access;
import org.iommusim.core.request.Fault;
import org.iommusim.core.request.TranslationResult;
import org.iommusim.core.uapi.Errno;
import org.iommusim.testkit.machine.Machine;
import org.iommusim.testkit.machine.Vm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The PagingDomain.map contract on every host driver, found by the cache-transparency property: a map over
 * a mapped page is EEXIST with nothing changed (VT-d and SMMUv2 threw), and a block over a table that
 * earlier 4 KiB pages left behind maps with smaller pages instead of replacing the table (SMMUv3 replaced
 * it without invalidating, so its walk cache kept translating the old page).
 */
class HostDriverMapTest {
    static final long BLOCK = 1L << 21;
    static final long IOVA = 0x40_0000_0000L;
    static final long PAGE_PA = 0x1_0000_0000L;
    static final long BLOCK_PA = 0x2_0000_0000L;

    @ParameterizedTest
    @ValueSource(strings = {"vtd", "smmuv3", "smmuv2"})
    void aMapOverAMappedPageIsEexistAndChangesNothing(String kind) {
        Vm vm = Machine.create(kind).vm(List.of(new PageMapping(IOVA + 0x3000, PAGE_PA, 4096)), 0x10);
        assertEquals(Errno.EEXIST, vm.map(new PageMapping(IOVA, BLOCK_PA, BLOCK)));
        assertEquals(PAGE_PA + 8, ((TranslationResult) vm.machine().translate(0x10, IOVA + 0x3008, Access.READ))
                .outputAddress(IOVA + 0x3008));
        assertInstanceOf(Fault.class, vm.machine().translate(0x10, IOVA, Access.READ), "nothing of the block was mapped");
        assertEquals(Errno.EEXIST, vm.map(new PageMapping(IOVA + 0x3000, BLOCK_PA, 4096)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"vtd", "smmuv3", "smmuv2"})
    void aBlockWhereASmallPageWasTranslatesToTheBlock(String kind) {
        PageMapping page = new PageMapping(IOVA + 0x3000, PAGE_PA, 4096);
        Vm vm = Machine.create(kind).vm(List.of(page), 0x10);
        assertInstanceOf(TranslationResult.class, vm.machine().translate(0x10, IOVA + 0x3000, Access.READ));
        assertEquals(4096, vm.unmap(page));
        assertNull(vm.map(new PageMapping(IOVA, BLOCK_PA, BLOCK)));
        for (long off : new long[] {0, 0x3000, BLOCK - 8}) {
            assertEquals(BLOCK_PA + off, ((TranslationResult) vm.machine().translate(0x10, IOVA + off, Access.READ))
                    .outputAddress(IOVA + off), kind + " at +0x" + Long.toHexString(off));
        }
    }
}
