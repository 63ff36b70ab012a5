package org.iommusim.core.walk;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Receives every memory reference a walk makes. {@link #NONE} discards them (the fast path); a
 * {@link Recorder} keeps them for the walk explainer and for tests that count references.
 */
@FunctionalInterface
public interface WalkTrace {
    WalkTrace NONE = (stage, level, address, value) -> { };

    void reference(int stage, int level, long address, long value);

    /** A trace that keeps every reference, in order. */
    final class Recorder implements WalkTrace {
        private final List<MemoryReference> references = new ArrayList<>();

        @Override
        public void reference(int stage, int level, long address, long value) {
            references.add(new MemoryReference(stage, level, address, value));
        }

        public List<MemoryReference> references() {
            return Collections.unmodifiableList(references);
        }

        public int count() {
            return references.size();
        }

        public long count(int stage) {
            return references.stream().filter(r -> r.stage() == stage).count();
        }

        public void clear() {
            references.clear();
        }
    }
}
