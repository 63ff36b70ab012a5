package org.iommusim.testkit;

import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.iommusim.core.walk.RadixFormat;

/**
 * jqwik arbitraries for translation tests: page-table shapes and sets of non-overlapping mappings
 * with mixed page sizes, to build tables from and to compare a model's translations against.
 */
public final class IommuArbitraries {
    private IommuArbitraries() {
    }

    /** Generic radix formats: 1 to 5 levels of 2 to 9 bits over 4 KiB pages, random block levels. */
    public static Arbitrary<RadixFormat> radixFormats() {
        return Combinators.combine(Arbitraries.integers().between(1, 5), Arbitraries.integers().between(2, 9),
                Arbitraries.integers().between(0, 31)).as((l, b, s) -> new RadixFormat(l, b, 12, s));
    }

    /**
     * Non-overlapping mappings of the given page sizes (powers of two, at least 4 KiB), with inputs
     * below {@code 2^inputBits} and outputs below {@code 2^outputBits}.
     */
    public static Arbitrary<List<PageMapping>> mappings(int inputBits, int outputBits, List<Long> pageSizes,
                                                        int maxMappings) {
        if (pageSizes.isEmpty()) {
            throw new IllegalArgumentException("no page sizes");
        }
        Arbitrary<PageMapping> one = Arbitraries.of(pageSizes).flatMap(size -> {
            int shift = Long.numberOfTrailingZeros(size);
            return Combinators.combine(
                    Arbitraries.longs().between(0, (1L << (inputBits - shift)) - 1),
                    Arbitraries.longs().between(0, (1L << (outputBits - shift)) - 1))
                    .as((i, o) -> new PageMapping(i << shift, o << shift, size));
        });
        return one.list().ofMaxSize(maxMappings).map(IommuArbitraries::withoutOverlaps);
    }

    /** Keeps the first of any mappings whose inputs overlap. */
    public static List<PageMapping> withoutOverlaps(List<PageMapping> mappings) {
        List<PageMapping> kept = new ArrayList<>();
        for (PageMapping m : mappings) {
            if (kept.stream().noneMatch(k -> k.overlapsInput(m))) {
                kept.add(m);
            }
        }
        return kept;
    }

    /** The reference translation: the mapping covering {@code address}, or -1 when none does. */
    public static long reference(List<PageMapping> mappings, long address) {
        for (PageMapping m : mappings) {
            if (m.covers(address)) {
                return m.translate(address);
            }
        }
        return -1;
    }
}
