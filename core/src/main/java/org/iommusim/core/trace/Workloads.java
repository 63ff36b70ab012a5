package org.iommusim.core.trace;

import java.util.SplittableRandom;

import org.iommusim.core.request.Access;
import org.iommusim.core.request.TranslationRequest;

/**
 * Synthetic DMA address streams for trace replay: the two shapes that bound IOTLB behaviour.
 * A ring buffer (a NIC's or NVMe queue's data buffers, reused in order) has perfect locality once the
 * ring fits in the IOTLB; uniformly random pages have none.
 */
public final class Workloads {
    private Workloads() {
    }

    /**
     * {@code passes} sweeps over a ring of {@code pages} 4 KiB buffers starting at {@code base}, one
     * request per buffer, alternating device writes (receive) and reads (transmit) per pass.
     */
    public static TranslationRequest[] ringBuffer(int sourceId, int pasid, long base, int pages, int passes) {
        TranslationRequest[] trace = new TranslationRequest[Math.multiplyExact(pages, passes)];
        for (int p = 0, i = 0; p < passes; p++) {
            Access access = (p & 1) == 0 ? Access.WRITE : Access.READ;
            for (int page = 0; page < pages; page++) {
                trace[i++] = new TranslationRequest(sourceId, pasid, base + ((long) page << 12) + (page & 0xF) * 64L,
                        access, false);
            }
        }
        return trace;
    }

    /** {@code count} reads of uniformly random 4 KiB pages among {@code pages} starting at {@code base}. */
    public static TranslationRequest[] random(int sourceId, int pasid, long base, int pages, int count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        TranslationRequest[] trace = new TranslationRequest[count];
        for (int i = 0; i < count; i++) {
            long page = rnd.nextInt(pages);
            trace[i] = new TranslationRequest(sourceId, pasid, base + (page << 12) + rnd.nextInt(4096 / 8) * 8L,
                    Access.READ, false);
        }
        return trace;
    }

    /** One pass over {@code pages} consecutive 4 KiB pages from {@code base}, {@code count} times in all (a stream). */
    public static TranslationRequest[] stream(int sourceId, int pasid, long base, int pages, int count) {
        TranslationRequest[] trace = new TranslationRequest[count];
        for (int i = 0; i < count; i++) {
            trace[i] = new TranslationRequest(sourceId, pasid, base + ((long) (i % pages) << 12), Access.READ, false);
        }
        return trace;
    }

    /** {@code count} reads every {@code stride}-th page among {@code pages} (wrapping), as a strided scan does. */
    public static TranslationRequest[] strided(int sourceId, int pasid, long base, int pages, int count, int stride) {
        TranslationRequest[] trace = new TranslationRequest[count];
        long page = 0;
        for (int i = 0; i < count; i++) {
            trace[i] = new TranslationRequest(sourceId, pasid, base + (page << 12), Access.READ, false);
            page = (page + stride) % pages;
        }
        return trace;
    }

    /**
     * {@code count} reads of pages drawn with Zipf's law of exponent {@code s} among {@code pages} (page k,
     * from 1, has weight 1/k^s): a few hot pages and a long tail.
     */
    public static TranslationRequest[] zipf(int sourceId, int pasid, long base, int pages, int count, double s,
                                            long seed) {
        double[] cumulative = new double[pages];
        double sum = 0;
        for (int k = 0; k < pages; k++) {
            sum += 1 / Math.pow(k + 1, s);
            cumulative[k] = sum;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        TranslationRequest[] trace = new TranslationRequest[count];
        for (int i = 0; i < count; i++) {
            int k = java.util.Arrays.binarySearch(cumulative, rnd.nextDouble() * sum);
            long page = k >= 0 ? k : Math.min(pages - 1, -k - 1);
            trace[i] = new TranslationRequest(sourceId, pasid, base + (page << 12), Access.READ, false);
        }
        return trace;
    }
}
