package org.iommusim.core.trace;

import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.memory.AccessPurpose;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.request.TranslationResult;

/** Replays a trace of device requests through an IOMMU and sums up what happened. */
public final class TraceReplayer {
    private TraceReplayer() {
    }

    public static ReplayResult replay(Iommu iommu, TranslationRequest[] trace) {
        PhysicalMemory m = iommu.memory();
        long walk0 = m.references(AccessPurpose.PAGE_WALK);
        long config0 = m.references(AccessPurpose.CONFIG_FETCH);
        long faults = 0;
        long checksum = 0;
        long walks = 0;
        for (TranslationRequest r : trace) {
            long before = m.references(AccessPurpose.PAGE_WALK);
            Translation t = iommu.translate(r);
            if (m.references(AccessPurpose.PAGE_WALK) != before) {
                walks++;
            }
            if (t instanceof TranslationResult ok) {
                checksum ^= ok.outputAddress(r.iova());
            } else {
                faults++;
            }
        }
        return new ReplayResult(trace.length, faults, m.references(AccessPurpose.PAGE_WALK) - walk0,
                m.references(AccessPurpose.CONFIG_FETCH) - config0, checksum, walks);
    }
}
