package org.iommusim.core.iommu;

import java.util.Map;

import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.walk.WalkTrace;

/**
 * The vendor-neutral view of one IOMMU model. Software reaches the model only through its MMIO
 * registers and the physical memory it shares with it; devices reach it through {@link #translate}.
 *
 * <p>Nothing written to the registers or to memory makes these methods throw: the model answers with
 * the fault, event or error bit its specification defines. They throw only for a caller's Java bug
 * (a null argument, an access width other than 4 or 8).
 */
public interface Iommu {
    /** The machine kind: "vtd", "smmuv3", "smmuv2". */
    String kind();

    /** The host-physical memory the model walks and that DMA reaches. */
    PhysicalMemory memory();

    /**
     * Reads a register. Offsets are relative to the model's register block; an offset with no
     * register reads as zero, as reserved MMIO space does.
     *
     * @param width 4 or 8 bytes
     */
    long mmioRead(long offset, int width);

    /**
     * Writes a register and performs every architectural side effect before returning (a command
     * latched, a queue processed up to its new tail ...). A write to an offset with no register, or
     * to a read-only register, is ignored.
     *
     * @param width 4 or 8 bytes
     */
    void mmioWrite(long offset, int width, long value);

    /** Translates one device request, with every side effect hardware has (cache fills, fault records). */
    Translation translate(TranslationRequest request);

    /**
     * Receives every page-table memory reference of later walks, in the order the hardware makes them
     * (the walk explainer, reference-counting tests); {@link WalkTrace#NONE} stops it.
     */
    default void setWalkTrace(WalkTrace trace) {
    }

    /** Counters: cache lookups/hits/misses/evictions, walks, memory references, faults ... by name. */
    Map<String, Long> statistics();

    /** The capability registers decoded into named fields ("CAP.SAGAW", "IDR0.S1P" ...), in register order. */
    Map<String, Long> capabilities();

    static void checkWidth(int width) {
        if (width != 4 && width != 8) {
            throw new IllegalArgumentException("MMIO width must be 4 or 8, got " + width);
        }
    }
}
