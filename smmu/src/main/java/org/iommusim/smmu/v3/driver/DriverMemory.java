package org.iommusim.smmu.v3.driver;

import org.iommusim.core.memory.PhysicalMemory;

/**
 * Memory as a driver addresses it: host-physical addresses, or the guest-physical addresses (IPAs) of a
 * guest whose RAM is one contiguous block of host memory. A guest driver builds its CD table and
 * stage-1 tables with IPAs in every pointer, as the nested SMMU expects.
 */
public final class DriverMemory {
    private final PhysicalMemory memory;
    private final long base;
    private final long physicalBase;

    private DriverMemory(PhysicalMemory memory, long base, long physicalBase) {
        this.memory = memory;
        this.base = base;
        this.physicalBase = physicalBase;
    }

    public static DriverMemory physical(PhysicalMemory memory) {
        return new DriverMemory(memory, 0, 0);
    }

    /** A guest whose address {@code ipaBase} is the host-physical {@code paBase}. */
    public static DriverMemory guest(PhysicalMemory memory, long ipaBase, long paBase) {
        return new DriverMemory(memory, ipaBase, paBase);
    }

    public long toPhysical(long address) {
        return address - base + physicalBase;
    }

    public long read64(long address) {
        return memory.read64(toPhysical(address));
    }

    public void write64(long address, long value) {
        memory.write64(toPhysical(address), value);
    }
}
