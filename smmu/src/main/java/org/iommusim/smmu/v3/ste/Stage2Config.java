package org.iommusim.smmu.v3.ste;

import org.iommusim.smmu.vmsa.VmsaFormat;

import org.iommusim.core.walk.PageTableFormat;
import org.iommusim.smmu.vmsa.BigEndianFormat;

/**
 * The stage-2 translation an STE selects (IHI 0070 5.2: S2VMID, S2T0SZ, S2SL0, S2TG, S2PS, S2AFFD, S2HA,
 * S2HD, S2PTW, S2R, S2ENDI, S2TTB), with its VMSAv8-64 format already derived.
 *
 * @param bigEndian S2ENDI: the stage-2 tables are big-endian
 * @param stall     S2S: stage-2 translation-related faults stall
 */
public record Stage2Config(int vmid, VmsaFormat format, long ttb, boolean affd, boolean ha, boolean hd,
                           boolean ptw, boolean record, boolean bigEndian, boolean stall) {
    /** The format the walker runs: {@link #format} read big-endian when S2ENDI is set. */
    public PageTableFormat walkFormat() {
        return bigEndian ? new BigEndianFormat(format) : format;
    }

    /** The descriptor value of an entry as the walker read it. */
    public long value(long stored) {
        return bigEndian ? BigEndianFormat.value(stored) : stored;
    }

    /** The memory image of a descriptor value. */
    public long stored(long value) {
        return bigEndian ? BigEndianFormat.stored(value) : value;
    }
}
