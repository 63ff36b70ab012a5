package org.iommusim.bench;

import org.iommusim.core.request.TranslationRequest;

/** Prebuilt requests handed out in a loop, so a measured operation allocates nothing to make one. */
public final class Cycle {
    private final TranslationRequest[] requests;
    private final int mask;
    private int next;

    public Cycle(TranslationRequest[] requests) {
        if (Integer.bitCount(requests.length) != 1) {
            throw new IllegalArgumentException("a power-of-two number of requests");
        }
        this.requests = requests;
        this.mask = requests.length - 1;
    }

    public TranslationRequest next() {
        return requests[next++ & mask];
    }

    public TranslationRequest[] all() {
        return requests;
    }
}
