package org.iommusim.vtd.fault;

/**
 * The DMA-remapping fault reasons the model emits (the value of FRCD.FR), VT-d specification chapter 7
 * and its fault-reason appendix: the legacy-mode set (0x01-0x0E) and the scalable-mode set (0x30-0x91,
 * condition codes SRTA/SRT/SCT/SPD/SPT/SFS/SSS/SGN).
 *
 * <p>A qualified fault is suppressed (not recorded) when a fault-processing-disable (FPD) bit on the
 * request's path is set; the others are always recorded.
 */
public enum FaultReason {
    ROOT_ENTRY_P(0x01, "LRT.2 root entry not present", false),
    CONTEXT_ENTRY_P(0x02, "LCT.2 context entry not present", true),
    CONTEXT_ENTRY_INV(0x03, "LCT.4 invalid context-entry programming", true),
    ADDR_BEYOND_MGAW(0x04, "LGN.1 input address beyond the address width", true),
    WRITE(0x05, "LGN.2 write to a page without write permission", true),
    READ(0x06, "LGN.3 read from a page without read permission", true),
    PAGING_ENTRY_INV(0x07, "LSS.1 error accessing a second-level paging entry", true),
    ROOT_TABLE_INV(0x08, "LRT.1 error accessing the root table", false),
    CONTEXT_TABLE_INV(0x09, "LCT.1 error accessing the context table", false),
    ROOT_ENTRY_RSVD(0x0A, "LRT.3 reserved bit set in root entry", false),
    CONTEXT_ENTRY_RSVD(0x0B, "LCT.3 reserved bit set in context entry", true),
    PAGING_ENTRY_RSVD(0x0C, "LSS.2 reserved bit set in second-level paging entry", true),
    INTERRUPT_ADDR(0x0E, "LGN.4 output address in the interrupt address range", true),

    SM_INVALID_ROOT_TABLE(0x30, "RTA.1 invalid RTADDR.TTM (reserved, or scalable mode without ECAP.SMTS)", false),
    SM_TTM_LEGACY_PASID(0x31, "RTA.2 legacy-mode root table but the request has a PASID", false),
    SM_ABORT_DMA(0x33, "RTA.4 abort-DMA mode (RTADDR.TTM=11b)", false),
    SM_EXECUTE_REQUESTED(0x34, "RTA.5 request with Execute-Requested on a version 8 or later unit", false),
    SM_ROOT_ACCESS(0x38, "SRT.1 error accessing the scalable-mode root entry", false),
    SM_ROOT_P(0x39, "SRT.2 root entry not present", false),
    SM_ROOT_RSVD(0x3A, "SRT.3 reserved bit set in root entry", false),
    SM_CONTEXT_ACCESS(0x40, "SCT.1 error accessing the scalable-mode context entry", false),
    SM_CONTEXT_P(0x41, "SCT.2 context entry not present", true),
    SM_CONTEXT_RSVD(0x42, "SCT.3 reserved bit set in context entry", true),
    SM_CONTEXT_INV(0x43, "SCT.4 invalid context-entry programming", true),
    SM_PASID_DISABLED(0x45, "SCT.6 request with PASID but PASIDE=0", true),
    SM_PASID_TOO_LARGE(0x46, "SCT.7 PASID beyond the PASID directory (PDTS)", true),
    SM_PASID_IS_RID_PASID(0x48, "SCT.9 request with a PASID equal to RID_PASID", true),
    PASID_DIR_ACCESS(0x50, "SPD.1 error accessing the PASID directory entry", false),
    PASID_DIR_P(0x51, "SPD.2 PASID directory entry not present", true),
    PASID_DIR_RSVD(0x52, "SPD.3 reserved bit set in PASID directory entry", true),
    PASID_TABLE_ACCESS(0x58, "SPT.1 error accessing the PASID table entry", false),
    PASID_ENTRY_P(0x59, "SPT.2 PASID table entry not present", true),
    PASID_ENTRY_RSVD(0x5A, "SPT.3 reserved bit set in PASID table entry", true),
    PASID_ENTRY_INV(0x5B, "SPT.4 invalid PASID-entry programming", true),
    PASID_EXECUTE(0x5C, "SPT.5 execute request without ECAP.ERS (or with ERE=0)", true),
    PASID_SRE_DISABLED(0x5D, "SPT.6 supervisor request but SRE=0", true),
    FS_ENTRY_ACCESS(0x70, "SFS.1 error accessing a first-stage paging entry", true),
    FS_ENTRY_P(0x71, "SFS.2 first-stage paging entry not present", true),
    FS_ENTRY_RSVD(0x72, "SFS.3 reserved bit set in first-stage paging entry", true),
    FS_TOP_ACCESS(0x73, "SFS.4 error accessing the first-stage table at FSPTPTR", true),
    FS_TABLE_BEYOND_SS(0x74, "SFS.5 nested: address in a first-stage entry beyond min(MGAW, AW)", true),
    FS_TOP_SS_READ(0x75, "SFS.6 nested: second stage denies reading the top first-stage table", true),
    FS_ENTRY_SS_READ(0x76, "SFS.7 nested: second stage denies reading a first-stage entry", true),
    FS_ENTRY_SS_WRITE(0x77, "SFS.8 nested: second stage denies the first-stage accessed/dirty update", true),
    SS_ENTRY_ACCESS(0x78, "SSS.1 error accessing a second-stage paging entry", true),
    SS_ENTRY_P(0x79, "SSS.2 second-stage paging entry not present", true),
    SS_ENTRY_RSVD(0x7A, "SSS.3 reserved bit set in second-stage paging entry", true),
    SS_TOP_ACCESS(0x7B, "SSS.4 error accessing the second-stage table at SSPTPTR", true),
    SS_AD_NOT_SNOOPED(0x7C, "SSS.5 second-stage A/D update needed but page walks are not snooped", true),
    FS_NON_CANONICAL(0x80, "SGN.1 first-stage input address not canonical", true),
    PRIVILEGE(0x81, "SGN.2 user request to a supervisor page", true),
    EXECUTE(0x82, "SGN.3 execute request to a page without execute permission", true),
    SM_ADDR_BEYOND_HAW(0x83, "SGN.4 pass-through address beyond the host address width", true),
    SM_ADDR_BEYOND_AW(0x84, "SGN.5 second-stage input address beyond min(MGAW, AW)", true),
    SM_WRITE(0x85, "SGN.6 write to a page without write permission", true),
    SM_READ(0x86, "SGN.7 read from a page without read permission", true),
    SM_INTERRUPT_ADDR(0x87, "SGN.8 output address in the interrupt address range", true),
    SM_PASID_BEYOND_PSS(0x89, "SGN.10 PASID beyond ECAP.PSS", true),
    FS_AD_NOT_SNOOPED(0x90, "SFS.9 first-stage A/D update needed but page walks are not snooped", true);

    private final int code;
    private final String description;
    private final boolean qualified;

    FaultReason(int code, String description, boolean qualified) {
        this.code = code;
        this.description = description;
        this.qualified = qualified;
    }

    /** The value of FRCD.FR. */
    public int code() {
        return code;
    }

    public String description() {
        return description;
    }

    /** Suppressed by FPD=1 on the request's path. */
    public boolean qualified() {
        return qualified;
    }
}
