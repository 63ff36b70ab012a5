package org.iommusim.vfio.type1;

import java.util.TreeMap;

import org.iommusim.core.uapi.Errno;
import org.iommusim.core.uapi.ErrnoException;

/**
 * The system-wide PASID space of the 2020 proposal (the kernel's ioasid allocator): PASIDs 1 up to
 * 2^pasid_bits - 1, each owned by the container that allocated it, allocated lowest first within the
 * requested range, with a per-container quota (the series' default of 1000).
 */
public final class PasidSpace {
    public static final int QUOTA = 1000;

    private final int bits;
    private final TreeMap<Integer, Container> owners = new TreeMap<>();

    public PasidSpace(int bits) {
        this.bits = bits;
    }

    /** The lowest free PASID in {@code [min, max]} for {@code owner}: ENOSPC when none or over quota. */
    int allocate(Container owner, long min, long max) throws ErrnoException {
        long limit = (1L << bits) - 1;
        if (min > max || min < 1 || max > limit) {
            throw Errno.EINVAL.failure("PASID range [" + min + ", " + max + "] outside [1, " + limit + "]");
        }
        if (owned(owner) >= QUOTA) {
            throw Errno.ENOSPC.failure("PASID quota of " + QUOTA + " used up");
        }
        for (long p = min; p <= max; p++) {
            if (!owners.containsKey((int) p)) {
                owners.put((int) p, owner);
                return (int) p;
            }
        }
        throw Errno.ENOSPC.failure("no free PASID in [" + min + ", " + max + "]");
    }

    /** Frees {@code owner}'s PASIDs in {@code [min, max]}; others' are left alone. */
    void free(Container owner, long min, long max) throws ErrnoException {
        if (min > max) {
            throw Errno.EINVAL.failure("PASID range min > max");
        }
        owners.subMap((int) Math.min(min, Integer.MAX_VALUE), true, (int) Math.min(max, Integer.MAX_VALUE), true)
                .entrySet().removeIf(e -> e.getValue() == owner);
    }

    boolean ownedBy(long pasid, Container owner) {
        return pasid > 0 && pasid <= Integer.MAX_VALUE && owners.get((int) pasid) == owner;
    }

    private int owned(Container owner) {
        return (int) owners.values().stream().filter(o -> o == owner).count();
    }
}
