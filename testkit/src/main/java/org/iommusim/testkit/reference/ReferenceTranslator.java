package org.iommusim.testkit.reference;

import java.util.List;

import org.iommusim.core.request.Access;
import org.iommusim.testkit.PageMapping;

/**
 * The answer a translation must give, computed from a mapping set alone, with no page tables: the
 * mapping that covers the address translates it if it grants the access; no mapping means a fault, and so
 * does a mapping without the permission. {@link #nested} composes a stage 1 over a stage 2 the way
 * two-stage hardware does (the stage-1 output is an intermediate address the stage 2 translates, and an
 * access needs both stages' permission).
 */
public final class ReferenceTranslator {
    private final List<PageMapping> stage1;
    private final List<PageMapping> stage2;

    private ReferenceTranslator(List<PageMapping> stage1, List<PageMapping> stage2) {
        this.stage1 = List.copyOf(stage1);
        this.stage2 = stage2 == null ? null : List.copyOf(stage2);
    }

    /** One stage. */
    public static ReferenceTranslator of(List<PageMapping> mappings) {
        return new ReferenceTranslator(mappings, null);
    }

    /** Stage 1 over stage 2. */
    public static ReferenceTranslator nested(List<PageMapping> stage1, List<PageMapping> stage2) {
        return new ReferenceTranslator(stage1, stage2);
    }

    public Expected translate(long iova, Access access) {
        Expected first = one(stage1, iova, access);
        if (stage2 == null || first.kind() != Expected.Kind.OK) {
            return first;
        }
        return one(stage2, first.outputAddress(), access);
    }

    /** The mapping covering {@code address} in a one-stage set, or null. */
    public static PageMapping covering(List<PageMapping> mappings, long address) {
        for (PageMapping m : mappings) {
            if (m.covers(address)) {
                return m;
            }
        }
        return null;
    }

    private static Expected one(List<PageMapping> mappings, long address, Access access) {
        PageMapping m = covering(mappings, address);
        if (m == null) {
            return Expected.UNMAPPED;
        }
        return m.permits(access) ? Expected.ok(m.translate(address)) : Expected.DENIED;
    }
}
