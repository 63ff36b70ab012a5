package org.iommusim.core.request;

import java.util.Objects;

/**
 * One request from a device: untranslated (the usual case, the IOMMU translates {@code iova}) or a
 * PCIe ATS <em>translated</em> request (PCIe Base Specification, Address Type field AT=10b).
 *
 * <p>A translated request carries an address the device already translated through its own ATC
 * (Address Translation Cache) from an earlier ATS Translation Request: {@code iova} is then an
 * output-side (physical, or for split-stage SMMUv3 an intermediate physical) address. Whether the IOMMU
 * lets it through untranslated, translates it further, or refuses it is the vendor's rule (VT-d
 * context-entry TT/DTE; SMMUv3 CR0.ATSCHK and STE.EATS); an IOMMU without ATS treats the flag as
 * the vendor documents.
 *
 * @param sourceId   the requester: PCIe requester ID (bus/device/function) for VT-d, StreamID for SMMU
 * @param pasid      the PCIe PASID (VT-d) or SubstreamID (SMMU), or {@link #NO_PASID}
 * @param iova       the input address (for a translated request, the address the device's ATC produced)
 * @param access     read, write or execute
 * @param privileged the request is privileged (PCIe PASID Privileged Mode Requested; SMMU PnU)
 * @param translated a PCIe ATS translated request (AT=10b); false for an untranslated request (AT=00b)
 */
public record TranslationRequest(int sourceId, int pasid, long iova, Access access, boolean privileged,
                                 boolean translated) {
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

    /** An untranslated request (AT=00b): the form every request had before ATS was modelled. */
    public TranslationRequest(int sourceId, int pasid, long iova, Access access, boolean privileged) {
        this(sourceId, pasid, iova, access, privileged, false);
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

    /** The same request (same source, PASID, access, privilege and address type) at another address. */
    public TranslationRequest atIova(long newIova) {
        return new TranslationRequest(sourceId, pasid, newIova, access, privileged, translated);
    }
}
