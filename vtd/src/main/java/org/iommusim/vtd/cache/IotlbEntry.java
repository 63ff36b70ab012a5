package org.iommusim.vtd.cache;

import org.iommusim.core.request.TranslationResult;

/**
 * One IOTLB entry (VT-d specification section 6.2.1 and 6.2.3): the translation of one page for one
 * domain and PASID, with the permissions a user and a supervisor request get. Nested entries hold the
 * combined (first stage over second stage) translation.
 *
 * @param did          domain-id the entry is tagged with
 * @param pasid        PASID it is tagged with, or -1 for a legacy-mode (request-without-PASID) entry
 * @param kind         what produced it (selects which invalidations remove it)
 * @param iovaBase     input address of the start of the page
 * @param user         the result returned to a user request
 * @param supervisor   the result returned to a supervisor request
 * @param writeReady   a write may use the entry without a walk (the dirty flag is already set, or the
 *                     format keeps none)
 */
public record IotlbEntry(int did, int pasid, Kind kind, long iovaBase, TranslationResult user,
                         TranslationResult supervisor, boolean writeReady) {
    public enum Kind {
        /** Legacy mode, second stage. */
        LEGACY,
        /** Scalable mode, PGTT=010. */
        SECOND_STAGE,
        /** Scalable mode, PGTT=001. */
        FIRST_STAGE,
        /** Scalable mode, PGTT=011: the combined translation. */
        NESTED
    }

    public long pageSize() {
        return user.pageSize();
    }
}
