package org.iommusim.testkit;

import org.iommusim.core.request.Access;
import org.iommusim.core.request.Permissions;

/**
 * One mapping of a page or block: {@code size} bytes at input {@code input} to output {@code output},
 * with {@link Permissions} bits. The unit of a mapping set, from which the reference translator computes
 * what a model must answer.
 */
public record PageMapping(long input, long output, long size, int permissions) {
    public PageMapping {
        if (size <= 0 || Long.bitCount(size) != 1 || (input & (size - 1)) != 0 || (output & (size - 1)) != 0) {
            throw new IllegalArgumentException("a mapping is aligned to its power-of-two size");
        }
        if ((permissions & ~Permissions.RWX) != 0) {
            throw new IllegalArgumentException("permissions are Permissions bits");
        }
    }

    /** A read/write mapping. */
    public PageMapping(long input, long output, long size) {
        this(input, output, size, Permissions.READ | Permissions.WRITE);
    }

    public boolean covers(long address) {
        return Long.compareUnsigned(address - input, size) < 0;
    }

    /** The reference translation of an address this mapping covers. */
    public long translate(long address) {
        return output + (address - input);
    }

    public boolean permits(Access access) {
        return (permissions & access.permission()) != 0;
    }

    public boolean overlapsInput(PageMapping other) {
        return Long.compareUnsigned(input, other.input + other.size - 1) <= 0
                && Long.compareUnsigned(other.input, input + size - 1) <= 0;
    }

    public boolean overlapsOutput(PageMapping other) {
        return Long.compareUnsigned(output, other.output + other.size - 1) <= 0
                && Long.compareUnsigned(other.output, output + size - 1) <= 0;
    }

    @Override
    public String toString() {
        return String.format("0x%x->0x%x/0x%x:%s", input, output, size, Permissions.toString(permissions));
    }
}
