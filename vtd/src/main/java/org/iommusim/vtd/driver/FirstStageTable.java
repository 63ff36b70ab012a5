package org.iommusim.vtd.driver;

/**
 * What a PASID entry needs of a first-stage table: its root (FSPTPTR: host-physical, or guest-physical
 * for nested translation) and its paging levels (FLPM). A table the driver built, or a guest's.
 */
public interface FirstStageTable {
    long root();

    int levels();

    /** A table someone else (a guest) built: only its root pointer and levels are known. */
    static FirstStageTable at(long root, int levels) {
        return new Pointer(root, levels);
    }

    record Pointer(long root, int levels) implements FirstStageTable {
    }
}
