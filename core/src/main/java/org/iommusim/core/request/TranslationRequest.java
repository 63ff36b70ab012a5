package org.iommusim.core.request;

import java.util.Objects;

/**
 * One untranslated request from a device.
 *
 * @param sourceId   the requester: PCIe requester ID (bus/device/function) for VT-d, StreamID for SMMU
 * @param pasid      the PCIe PASID (VT-d) or SubstreamID (SMMU), or {@link #NO_PASID}
 * @param iova       the input address
 * @param access     read, write or execute
 * @param privileged the request is privileged (PCIe PASID Privileged Mode Requested; SMMU PnU)
 */
public record TranslationRequest(int sourceId, int pasid, long iova, Access access, boolean privileged) {
    /** The request carries no PASID/SubstreamID. */
    public static final int NO_PASID = -1;
    /** PCIe PASIDs and SMMU SubstreamIDs are at most 20 bits wide. */
    public static final int MAX_PASID = (1 << 20) - 1;

    public TranslationRequest {
        Objects.requireNonNull(access, "access");
        if (pasid != NO_PASID && (pasid < 0 || pasid > MAX_PASID)) {
            throw new IllegalArgumentException("PASID must be 0..0xFFFFF or NO_PASID, got " + pasid);
        }
    }

    public static TranslationRequest of(int sourceId, long iova, Access access) {
        return new TranslationRequest(sourceId, NO_PASID, iova, access, false);
    }

    public static TranslationRequest withPasid(int sourceId, int pasid, long iova, Access access) {
        return new TranslationRequest(sourceId, pasid, iova, access, false);
    }

    public boolean hasPasid() {
        return pasid != NO_PASID;
    }

    public TranslationRequest atIova(long newIova) {
        return new TranslationRequest(sourceId, pasid, newIova, access, privileged);
    }
}
