package org.iommusim.smmu.v3.cache;

/**
 * A cached table descriptor: the next-level table a walk reaches at {@code step} for an input-address
 * prefix, and the hierarchical attributes (APTable, UXNTable, PXNTable) collected on the way.
 *
 * @param step      the walk step whose table this is
 * @param table     its address (host-physical, or an IPA for a nested stage-1 walk)
 * @param tableBits hierarchical bits of the table descriptors above it
 */
public record WalkCacheEntry(int step, long table, long tableBits) {
}
