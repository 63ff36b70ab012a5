package org.iommusim.testkit.gen;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import org.iommusim.testkit.PageMapping;

/**
 * Mapping sets as plain functions of a {@link RandomGenerator}: any engine (QuickTheories through
 * {@code org.iommusim.proptest.Props.gen}, JUnit's repeated tests, a loop) can drive them.
 */
public final class Mappings {
    private Mappings() {
    }

    /**
     * Up to {@code shape.maxMappings()} mappings of mixed page sizes whose inputs do not overlap each
     * other and whose outputs do not overlap each other (so every output byte has one owner, which
     * isolation checks rely on). Inputs and outputs cluster in a few regions so that mappings share
     * table pages, and one in eight mappings lands at the top of the input range.
     */
    public static List<PageMapping> mappingSet(RandomGenerator r, MappingShape shape) {
        int n = r.nextInt(0, shape.maxMappings() + 1);
        List<PageMapping> kept = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            PageMapping m = one(r, shape);
            if (kept.stream().noneMatch(k -> k.overlapsInput(m) || k.overlapsOutput(m))) {
                kept.add(m);
            }
        }
        return kept;
    }

    /** One aligned mapping of the shape. */
    public static PageMapping one(RandomGenerator r, MappingShape shape) {
        long size = shape.pageSizes().get(r.nextInt(shape.pageSizes().size()));
        int shift = Long.numberOfTrailingZeros(size);
        long inputPages = 1L << (shape.inputBits() - shift);
        long outputPages = 1L << (shape.outputBits() - shift);
        long in = r.nextInt(8) == 0 ? inputPages - 1 - r.nextLong(0, Math.min(inputPages, 4))
                : clustered(r, inputPages, shift);
        long out = clustered(r, outputPages, shift);
        int perm = shape.permissionSets().get(r.nextInt(shape.permissionSets().size()));
        return new PageMapping(in << shift, shape.outputBase() + (out << shift), size, perm);
    }

    /** A page number in one of four 1 GiB-or-smaller clusters spread over the range. */
    private static long clustered(RandomGenerator r, long pages, int shift) {
        long span = Math.max(1, Math.min(pages / 4, (1L << 30) >>> shift));
        long cluster = r.nextInt(4) * (pages / 4);
        return cluster + r.nextLong(0, span);
    }

    /** Keeps the first of any mappings whose inputs overlap. */
    public static List<PageMapping> withoutInputOverlaps(List<PageMapping> mappings) {
        List<PageMapping> kept = new ArrayList<>();
        for (PageMapping m : mappings) {
            if (kept.stream().noneMatch(k -> k.overlapsInput(m))) {
                kept.add(m);
            }
        }
        return kept;
    }
}
