package org.iommusim.testkit.reference;

import org.iommusim.core.request.Fault;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationResult;

/**
 * What a translation must be: an output address, or a fault because nothing maps the address
 * ({@link Kind#UNMAPPED}) or the mapping lacks the permission ({@link Kind#DENIED}).
 */
public record Expected(Kind kind, long outputAddress) {
    public enum Kind { OK, UNMAPPED, DENIED }

    public static Expected ok(long outputAddress) {
        return new Expected(Kind.OK, outputAddress);
    }

    public static final Expected UNMAPPED = new Expected(Kind.UNMAPPED, -1);
    public static final Expected DENIED = new Expected(Kind.DENIED, -1);

    /** Null when {@code actual} (the model's answer for {@code iova}) is this; otherwise what differs. */
    public String mismatch(long iova, Translation actual) {
        if (kind == Kind.OK) {
            if (actual instanceof TranslationResult r) {
                return r.outputAddress(iova) == outputAddress ? null
                        : String.format("0x%x translated to 0x%x, expected 0x%x", iova, r.outputAddress(iova), outputAddress);
            }
            return String.format("0x%x faulted (%s), expected 0x%x", iova, actual, outputAddress);
        }
        return actual instanceof Fault ? null
                : String.format("0x%x translated (%s), expected a fault: %s", iova, actual, kind);
    }
}
