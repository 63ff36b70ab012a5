package org.iommusim.core.cache;

/** Which way of a full set a fill evicts. */
public enum ReplacementPolicy {
    /** The way used longest ago (a hit counts as a use). */
    LRU,
    /** The way filled longest ago (hits do not matter). */
    FIFO,
    /** A way chosen by a seeded generator, so runs repeat exactly. */
    RANDOM
}
