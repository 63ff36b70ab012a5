package org.iommusim.vtd.driver;

import org.iommusim.vtd.pasid.Pgtt;

/**
 * What the driver puts in one scalable-mode PASID-table entry (VT-d spec 9.6).
 *
 * @param pgtt       translation type
 * @param did        domain-id
 * @param firstStage first-stage table (FS and nested), or null
 * @param secondStage second-stage table (SS and nested), or null
 * @param sre        supervisor requests allowed
 * @param ere        execute requests allowed
 * @param wpe        write protect for supervisor requests
 * @param ssade      second-stage accessed/dirty flags
 * @param eafe       extended accessed flag (first stage)
 */
public record PasidSetup(Pgtt pgtt, int did, FirstStageTable firstStage, IoPageTable secondStage, boolean sre,
                         boolean ere, boolean wpe, boolean ssade, boolean eafe) {
    public PasidSetup(Pgtt pgtt, int did, FirstStageTable firstStage, IoPageTable secondStage, boolean sre,
                      boolean ere, boolean wpe, boolean ssade) {
        this(pgtt, did, firstStage, secondStage, sre, ere, wpe, ssade, false);
    }

    public static PasidSetup firstStage(int did, IoPageTable fs) {
        return new PasidSetup(Pgtt.FIRST_STAGE, did, fs, null, false, false, false, false);
    }

    public static PasidSetup secondStage(int did, IoPageTable ss) {
        return new PasidSetup(Pgtt.SECOND_STAGE, did, null, ss, false, false, false, false);
    }

    public static PasidSetup nested(int did, FirstStageTable fs, IoPageTable ss) {
        return new PasidSetup(Pgtt.NESTED, did, fs, ss, false, false, false, false);
    }

    public static PasidSetup passThrough(int did) {
        return new PasidSetup(Pgtt.PASS_THROUGH, did, null, null, false, false, false, false);
    }
}
