package org.iommusim.core.dma;

import java.util.Arrays;
import java.util.Objects;

import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.memory.AccessPurpose;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Fault;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.request.TranslationResult;

/**
 * A device's DMA engine: moves bytes at an IOVA through an IOMMU, translating each page the buffer
 * touches (one translation per page of the result's size), and stops at the first fault.
 */
public final class DmaEngine {
    private final Iommu iommu;
    private final PhysicalMemory memory;

    public DmaEngine(Iommu iommu) {
        this.iommu = Objects.requireNonNull(iommu);
        this.memory = iommu.memory();
    }

    /** An untranslated DMA read. */
    public DmaResult read(int sourceId, int pasid, boolean privileged, long iova, int length) {
        return read(sourceId, pasid, privileged, false, iova, length);
    }

    /** A DMA read; {@code translated}: every request is a PCIe ATS translated request (AT=10b). */
    public DmaResult read(int sourceId, int pasid, boolean privileged, boolean translated, long iova, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length < 0");
        }
        byte[] data = new byte[length];
        return transfer(new TranslationRequest(sourceId, pasid, iova, Access.READ, privileged, translated), data,
                length, false);
    }

    /** An untranslated DMA write. */
    public DmaResult write(int sourceId, int pasid, boolean privileged, long iova, byte[] data) {
        return write(sourceId, pasid, privileged, false, iova, data);
    }

    /** A DMA write; {@code translated}: every request is a PCIe ATS translated request (AT=10b). */
    public DmaResult write(int sourceId, int pasid, boolean privileged, boolean translated, long iova, byte[] data) {
        return transfer(new TranslationRequest(sourceId, pasid, iova, Access.WRITE, privileged, translated),
                data.clone(), data.length, true);
    }

    private DmaResult transfer(TranslationRequest first, byte[] buffer, int length, boolean write) {
        int done = 0;
        long firstOut = -1;
        while (done < length) {
            long iova = first.iova() + done;
            Translation t = iommu.translate(done == 0 ? first : first.atIova(iova));
            if (t instanceof Fault f) {
                return new DmaResult(write ? new byte[0] : Arrays.copyOf(buffer, done), done, f, false, firstOut);
            }
            TranslationResult r = (TranslationResult) t;
            long pa = r.outputAddress(iova);
            int chunk = (int) Math.min(length - done, r.pageSize() - (iova & (r.pageSize() - 1)));
            if (!memory.inRange(pa, chunk)) {
                return new DmaResult(write ? new byte[0] : Arrays.copyOf(buffer, done), done, null, true, firstOut);
            }
            if (done == 0) {
                firstOut = pa;
            }
            if (write) {
                memory.writeBytes(pa, buffer, done, chunk, AccessPurpose.DMA_DATA);
            } else {
                memory.readBytes(pa, buffer, done, chunk, AccessPurpose.DMA_DATA);
            }
            done += chunk;
        }
        if (length == 0) {
            Translation t = iommu.translate(first);
            if (t instanceof Fault f) {
                return new DmaResult(new byte[0], 0, f, false, -1);
            }
            firstOut = ((TranslationResult) t).outputAddress(first.iova());
        }
        return new DmaResult(write ? new byte[0] : buffer, done, null, false, firstOut);
    }
}
