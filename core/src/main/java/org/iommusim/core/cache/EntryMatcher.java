package org.iommusim.core.cache;

/** Chooses the entries an invalidation removes, by their two key words and their value. */
@FunctionalInterface
public interface EntryMatcher<V> {
    boolean matches(long key0, long key1, V value);
}
