package org.iommusim.core.walk;

/**
 * One memory reference a walk made.
 *
 * @param stage   1 or 2 (the stage whose table was read)
 * @param level   the specification's level number of the table
 * @param address host-physical address of the entry
 * @param value   the entry read
 */
public record MemoryReference(int stage, int level, long address, long value) {
    @Override
    public String toString() {
        return String.format("S%d L%d [0x%x] = 0x%016x", stage, level, address, value);
    }
}
