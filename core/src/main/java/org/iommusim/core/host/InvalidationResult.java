package org.iommusim.core.host;

import org.iommusim.core.uapi.Errno;

/**
 * The outcome of a user cache invalidation: how many entries were handled (written back to
 * {@code entry_num}, also on error), and the errno of the first entry refused, or null.
 */
public record InvalidationResult(int handled, Errno errno) {
    public static InvalidationResult ok(int handled) {
        return new InvalidationResult(handled, null);
    }
}
