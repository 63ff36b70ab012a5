package org.iommusim.core.request;

import java.util.Objects;

/**
 * A refused translation, as the hardware reports it.
 *
 * @param code    the vendor's code: the VT-d fault reason (FRCD.FR), the SMMUv3 event type number,
 *                or the SMMUv2 FSR bit index
 * @param name    the specification's name for it (for example "F_TRANSLATION", "SL_PTE_W")
 * @param stage   the translation stage that faulted (1 or 2), or 0 for a configuration fault
 * @param level   the page-table level at which the walk stopped, or -1 when not a walk fault
 * @param address the faulting input address (the request's IOVA, or the IPA of a stage-2 fault)
 */
public record Fault(int code, String name, int stage, int level, long address) implements Translation {
    public static final int NO_LEVEL = -1;

    public Fault {
        Objects.requireNonNull(name, "name");
        if (stage < 0 || stage > 2) {
            throw new IllegalArgumentException("stage must be 0, 1 or 2: " + stage);
        }
    }

    @Override
    public boolean ok() {
        return false;
    }
}
