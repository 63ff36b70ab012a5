package org.iommusim.bench;

import java.util.SplittableRandom;

import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.memory.AccessPurpose;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;

/**
 * The address streams every vendor benchmark uses, so that the vendors and the floors are measured on
 * the same key distributions, and the checks that a benchmark's machine does what the benchmark's name
 * says (hits hit, cold walks make the full number of page-table references).
 */
public final class Workload {
    /**
     * Pages an IOTLB-hit benchmark cycles over: few enough to sit in every model's default IOTLB without
     * conflict misses (SMMUv2's 256-entry, 8-way TLB is the smallest), and the key count of
     * {@code FloorBenchmarks.mapGet}.
     */
    public static final int HIT_PAGES = 64;
    /** Requests a cold-walk benchmark cycles over (random pages among those mapped). */
    public static final int WALK_REQUESTS = 4096;
    /** Pages mapped by the non-scaling benchmarks. */
    public static final int MAPPED_PAGES = 4096;
    /** First IOVA of the mapped region: above 4 GiB and 2 MiB-aligned, so no level's index is zero. */
    public static final long IOVA_BASE = 0x7F12_3460_0000L;

    private Workload() {
    }

    /** {@code count} distinct page indices among {@code pages}, in random order. */
    public static int[] distinctPages(int pages, int count, long seed) {
        if (count > pages) {
            throw new IllegalArgumentException("more pages than mapped");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] all = new int[pages];
        for (int i = 0; i < pages; i++) {
            all[i] = i;
        }
        for (int i = 0; i < count; i++) {
            int j = i + rnd.nextInt(pages - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return java.util.Arrays.copyOf(all, count);
    }

    /** {@code count} page indices drawn uniformly (with repeats) among {@code pages}. */
    public static int[] randomPages(int pages, int count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = rnd.nextInt(pages);
        }
        return out;
    }

    /** The page numbers (IOVA >>> 12) of the IOTLB-hit working set: the floor's keys. */
    public static long[] hitPageNumbers() {
        int[] idx = distinctPages(MAPPED_PAGES, HIT_PAGES, 11);
        long[] keys = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
            keys[i] = (IOVA_BASE >>> 12) + idx[i];
        }
        return keys;
    }

    /** Translates every request once and returns the page-walk and configuration references made. */
    public static long references(Iommu iommu, TranslationRequest[] requests) {
        PhysicalMemory m = iommu.memory();
        long before = m.references(AccessPurpose.PAGE_WALK) + m.references(AccessPurpose.CONFIG_FETCH);
        for (TranslationRequest r : requests) {
            Translation t = iommu.translate(r);
            if (!t.ok()) {
                throw new IllegalStateException("benchmark request faulted: " + r + " -> " + t);
            }
        }
        return m.references(AccessPurpose.PAGE_WALK) + m.references(AccessPurpose.CONFIG_FETCH) - before;
    }

    /** Fails unless, after one warming pass, every request hits (no walk, no configuration fetch). */
    public static void requireHits(Iommu iommu, TranslationRequest[] requests) {
        references(iommu, requests);
        long refs = references(iommu, requests);
        if (refs != 0) {
            throw new IllegalStateException("the hit working set misses: " + refs + " references in a warm pass");
        }
    }

    /** Fails unless every request makes exactly {@code perRequest} page-walk references. */
    public static void requireWalkReferences(Iommu iommu, TranslationRequest[] requests, int perRequest) {
        references(iommu, requests); // first touches may set accessed flags
        PhysicalMemory m = iommu.memory();
        long before = m.references(AccessPurpose.PAGE_WALK);
        references(iommu, requests);
        long walk = m.references(AccessPurpose.PAGE_WALK) - before;
        if (walk != (long) perRequest * requests.length) {
            throw new IllegalStateException("expected " + perRequest + " walk references per request, measured "
                    + (double) walk / requests.length);
        }
    }

    /** Fails unless a warm pass makes no configuration-structure fetch (the config caches hold the working set). */
    public static void requireNoConfigFetches(Iommu iommu, TranslationRequest[] requests) {
        references(iommu, requests);
        PhysicalMemory m = iommu.memory();
        long before = m.references(AccessPurpose.CONFIG_FETCH);
        references(iommu, requests);
        long fetches = m.references(AccessPurpose.CONFIG_FETCH) - before;
        if (fetches != 0) {
            throw new IllegalStateException(fetches + " configuration fetches in a warm pass");
        }
    }

    /** Page-walk references per request over one pass (after a warming pass). */
    public static double walkReferencesPerRequest(Iommu iommu, TranslationRequest[] requests) {
        references(iommu, requests);
        PhysicalMemory m = iommu.memory();
        long before = m.references(AccessPurpose.PAGE_WALK);
        references(iommu, requests);
        return (double) (m.references(AccessPurpose.PAGE_WALK) - before) / requests.length;
    }
}
