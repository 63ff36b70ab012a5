package org.iommusim.core.walk;

/** What a page-table entry is, as its format decodes it at one step of a walk. */
public enum EntryKind {
    /** Not present / not valid: the walk stops with a translation fault. */
    INVALID,
    /** Points to the next-level table. */
    TABLE,
    /** Maps a page or block: the walk ends here. */
    LEAF,
    /** Present but malformed (a reserved bit set, a block where none is allowed): the walk stops. */
    RESERVED
}
