package org.iommusim.smmu.v3.ste;

import org.iommusim.smmu.vmsa.VmsaFormat;

/**
 * The stage-2 translation an STE selects (IHI 0070 5.2: S2VMID, S2T0SZ, S2SL0, S2TG, S2PS, S2AFFD, S2HA,
 * S2HD, S2PTW, S2R, S2TTB), with its VMSAv8-64 format already derived.
 */
public record Stage2Config(int vmid, VmsaFormat format, long ttb, boolean affd, boolean ha, boolean hd,
                           boolean ptw, boolean record) {
}
