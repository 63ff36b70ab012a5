package org.iommusim.fuzz;

import java.util.Arrays;

import org.iommusim.core.dma.DmaEngine;
import org.iommusim.core.dma.DmaResult;
import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Fault;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.request.TranslationResult;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

/**
 * What a guest or a driver controls, drawn from the fuzzer's bytes: table words (raw, or steered to
 * point at the machine's own table frames so that walks go deeper), requests and register accesses;
 * and the invariant every target checks: a translation is a result or a fault, a DMA a DmaResult.
 * Any exception the model throws escapes to Jazzer, which reports it as a finding.
 */
final class Guest {
    private Guest() {
    }

    /** Translates and checks the answer's type (the interface is sealed: result or fault, never null). */
    static Translation translate(Iommu iommu, TranslationRequest r) {
        Translation t = iommu.translate(r);
        if (!(t instanceof TranslationResult || t instanceof Fault)) {
            throw new AssertionError("translate(" + r + ") returned " + t);
        }
        return t;
    }

    /** A request: the source, PASID and address are usually from the small sets the setup uses. */
    static TranslationRequest request(FuzzedDataProvider d, int[] sources, int[] pasids, long[] iovas) {
        int sid = d.consumeBoolean() ? sources[d.consumeInt(0, sources.length - 1)] : d.consumeInt(0, 0xFFFF);
        int pasid = switch (d.consumeInt(0, 3)) {
            case 0 -> TranslationRequest.NO_PASID;
            case 1 -> d.consumeInt(0, TranslationRequest.MAX_PASID);
            default -> pasids[d.consumeInt(0, pasids.length - 1)];
        };
        long iova = switch (d.consumeInt(0, 3)) {
            case 0 -> d.consumeLong();
            case 1 -> iovas[d.consumeInt(0, iovas.length - 1)] + d.consumeLong(0, 0x1_FFFF);
            default -> iovas[d.consumeInt(0, iovas.length - 1)] + d.consumeInt(0, 0xFFF);
        };
        Access a = d.pickValue(Access.values());
        return new TranslationRequest(sid, pasid, iova, a, d.consumeBoolean(), d.consumeInt(0, 7) == 0);
    }

    /** A few requests (at most {@code max}), each translated; now and then as a short DMA instead. */
    static void requests(FuzzedDataProvider d, Iommu iommu, int max, int[] sources, int[] pasids, long[] iovas) {
        int n = d.consumeInt(0, max);
        DmaEngine dma = new DmaEngine(iommu);
        for (int i = 0; i < n && d.remainingBytes() > 0; i++) {
            TranslationRequest r = request(d, sources, pasids, iovas);
            if (d.consumeInt(0, 7) == 0) {
                dma(dma, r, d.consumeInt(0, 0x2100));
            } else {
                translate(iommu, r);
            }
        }
    }

    /** A DMA of {@code length} bytes at the request's address; reads back what a write wrote. */
    static DmaResult dma(DmaEngine dma, TranslationRequest r, int length) {
        DmaResult res;
        if (r.access() == Access.WRITE) {
            byte[] data = new byte[length];
            Arrays.fill(data, (byte) 0xA5);
            res = dma.write(r.sourceId(), r.pasid(), r.privileged(), r.translated(), r.iova(), data);
        } else {
            res = dma.read(r.sourceId(), r.pasid(), r.privileged(), r.translated(), r.iova(), length);
        }
        if (res == null || res.bytesDone() < 0 || res.bytesDone() > length) {
            throw new AssertionError("DMA of " + length + " at " + r + ": " + res);
        }
        return res;
    }

    /**
     * A table word: raw, small, or a pointer to one of {@code frames} (with fuzzer low bits, and the
     * top bit sometimes) so that a corrupted entry still leads the walk into the machine's tables.
     */
    static long word(FuzzedDataProvider d, long[] frames) {
        return switch (d.consumeInt(0, 3)) {
            case 0 -> d.consumeLong();
            case 1 -> d.consumeLong(0, 0xFFF);
            default -> frames.length == 0 ? d.consumeLong()
                    : frames[d.consumeInt(0, frames.length - 1)] | d.consumeLong(0, 0xFFF)
                            | (d.consumeBoolean() ? 1L << 63 : 0);
        };
    }

    /** The machine's allocated frames (its tables, queues and whatever the driver set up), as addresses. */
    static long[] frames(PhysicalMemory m) {
        long[] f = m.frameNumbers();
        Arrays.sort(f);
        for (int i = 0; i < f.length; i++) {
            f[i] <<= PhysicalMemory.FRAME_SHIFT;
        }
        return f;
    }

    /**
     * Overwrites at most {@code max} 8-byte entries of the given frames (a fuzzer-chosen frame, entry and
     * word), or a run of consecutive entries with one word pattern.
     */
    static void corrupt(FuzzedDataProvider d, PhysicalMemory m, long[] frames, int max) {
        if (frames.length == 0) {
            return;
        }
        int n = d.consumeInt(0, max);
        for (int i = 0; i < n && d.remainingBytes() > 0; i++) {
            long frame = frames[d.consumeInt(0, frames.length - 1)];
            int entry = d.consumeInt(0, 511);
            long w = word(d, frames);
            int run = d.consumeInt(0, 3) == 0 ? d.consumeInt(1, 16) : 1;
            for (int k = 0; k < run && entry + k < 512; k++) {
                m.write64(frame + 8L * (entry + k), w);
            }
        }
    }

    /** An access width: 4 or 8. */
    static int width(FuzzedDataProvider d) {
        return d.consumeBoolean() ? 4 : 8;
    }

    /** An MMIO offset: one of {@code known}, or anywhere in [0, blockSize), unaligned now and then. */
    static long offset(FuzzedDataProvider d, long[] known, long blockSize) {
        return switch (d.consumeInt(0, 3)) {
            case 0, 1 -> known[d.consumeInt(0, known.length - 1)];
            case 2 -> d.consumeLong(0, blockSize / 4 - 1) * 4;
            default -> d.consumeLong(0, blockSize - 1);
        };
    }

    /** A register value: raw, one of {@code known} (command bits ...), or small. */
    static long value(FuzzedDataProvider d, long[] known) {
        return switch (d.consumeInt(0, 3)) {
            case 0 -> d.consumeLong();
            case 1 -> known[d.consumeInt(0, known.length - 1)];
            case 2 -> known[d.consumeInt(0, known.length - 1)] ^ (1L << d.consumeInt(0, 63));
            default -> d.consumeLong(0, 0xFFFF);
        };
    }
}
