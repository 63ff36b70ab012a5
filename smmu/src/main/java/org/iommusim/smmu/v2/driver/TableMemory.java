package org.iommusim.smmu.v2.driver;

import org.iommusim.core.memory.PhysicalMemory;

/**
 * The memory a page-table builder writes its tables into, addressed as the walker will see it: host
 * physical memory for host-owned tables, or a guest's IPA space (translated through the host's
 * stage-2 mapping) for the stage-1 tables of a nested context.
 */
public interface TableMemory {
    long read64(long address);

    void write64(long address, long value);

    /** Host physical memory, accessed as software does. */
    static TableMemory physical(PhysicalMemory memory) {
        return new TableMemory() {
            @Override
            public long read64(long address) {
                return memory.read64(address);
            }

            @Override
            public void write64(long address, long value) {
                memory.write64(address, value);
            }
        };
    }
}
