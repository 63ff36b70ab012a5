package org.iommusim.testkit;

/**
 * One mapping of a page or block: {@code size} bytes at input {@code input} to output {@code output}.
 * The reference a property compares a model's translation against.
 */
public record PageMapping(long input, long output, long size) {
    public PageMapping {
        if (size <= 0 || Long.bitCount(size) != 1 || (input & (size - 1)) != 0 || (output & (size - 1)) != 0) {
            throw new IllegalArgumentException("a mapping is aligned to its power-of-two size");
        }
    }

    public boolean covers(long address) {
        return Long.compareUnsigned(address - input, size) < 0;
    }

    /** The reference translation of an address this mapping covers. */
    public long translate(long address) {
        return output + (address - input);
    }

    public boolean overlapsInput(PageMapping other) {
        return Long.compareUnsigned(input, other.input + other.size - 1) <= 0
                && Long.compareUnsigned(other.input, input + size - 1) <= 0;
    }
}
