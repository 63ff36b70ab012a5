package org.iommusim.smmu.v3.ste;

/**
 * A legal STE as the SMMU uses it: the entry and, when stage 2 is enabled, its derived stage-2 setup.
 * Configuration caches hold these.
 *
 * @param ste    the entry
 * @param stage2 the stage-2 translation, or null when Config does not enable stage 2
 */
public record StreamConfig(StreamTableEntry ste, Stage2Config stage2) {
    /** The VMID that tags this stream's TLB entries (S2VMID, also used for stage-1-only streams). */
    public int vmid() {
        return ste.s2Vmid();
    }
}
