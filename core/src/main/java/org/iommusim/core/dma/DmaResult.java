package org.iommusim.core.dma;

import org.iommusim.core.request.Fault;

/**
 * The outcome of one DMA.
 *
 * @param data              the bytes read (a read), or empty (a write); on failure the bytes done before it
 * @param bytesDone         bytes moved before the DMA stopped
 * @param fault             the translation fault that stopped it, or null
 * @param busError          true when a translated address does not exist in physical memory
 * @param firstOutputAddress the output address of the first byte, when its page translated
 */
public record DmaResult(byte[] data, int bytesDone, Fault fault, boolean busError, long firstOutputAddress) {
    public boolean ok() {
        return fault == null && !busError;
    }
}
