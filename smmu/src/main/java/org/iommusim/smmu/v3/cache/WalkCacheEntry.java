package org.iommusim.smmu.v3.cache;

/**
 * A cached table descriptor: the next-level table a walk reaches at {@code level} for an input-address
 * prefix, and the hierarchical attributes (APTable, UXNTable, PXNTable) collected on the way. The level,
 * not the walk step, is kept: a later walk of the same tag may start at another level (software changed
 * TxSZ without invalidating), and must still resume at the right step.
 *
 * @param level     the level of the table
 * @param table     its address (host-physical, or an IPA for a nested stage-1 walk)
 * @param tableBits hierarchical bits of the table descriptors above it
 */
public record WalkCacheEntry(int level, long table, long tableBits) {
}
