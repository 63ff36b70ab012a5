package org.iommusim.vfio;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The IOVA ranges user space has mapped in one address space (a type1 container's vfio_dma list, an
 * IOAS's areas), kept apart from the page tables so that overlaps and partial unmaps are refused before
 * any table changes.
 */
public final class DmaMappings {
    /** One MAP_DMA / IOAS_MAP: {@code [iova, iova + size)} to host {@code pa} with PROT_* bits. */
    public record Mapping(long iova, long size, long pa, int prot) {
        long last() {
            return iova + size - 1;
        }
    }

    private final TreeMap<Long, Mapping> byIova = new TreeMap<>();

    /** True when {@code [start, start + size)} runs past the top of the 64-bit space (unsigned). */
    public static boolean wraps(long start, long size) {
        return size != 0 && Long.compareUnsigned(start + size - 1, start) < 0;
    }

    /** The range's last byte, kept at or below Long.MAX_VALUE: mapped IOVAs are below 2^63 (keys are signed). */
    private static long last(long start, long size) {
        long last = start + size - 1;
        return start >= 0 && last < start ? Long.MAX_VALUE : last;
    }

    public int count() {
        return byIova.size();
    }

    public List<Mapping> all() {
        return new ArrayList<>(byIova.values());
    }

    /** True when any mapping shares a byte with {@code [iova, iova + size)}. */
    public boolean overlaps(long iova, long size) {
        long last = last(iova, size);
        Map.Entry<Long, Mapping> below = byIova.floorEntry(last);
        return below != null && Long.compareUnsigned(below.getValue().last(), iova) >= 0;
    }

    public void add(Mapping m) {
        byIova.put(m.iova(), m);
    }

    /** The mappings inside {@code [iova, iova + size)}, or null when one of them only partly is. */
    public List<Mapping> within(long iova, long size) {
        long last = last(iova, size);
        List<Mapping> inside = new ArrayList<>();
        Map.Entry<Long, Mapping> e = byIova.floorEntry(iova);
        if (e != null && e.getValue().last() >= iova && e.getKey() < iova) {
            return null;
        }
        for (Mapping m : byIova.subMap(iova, true, last, true).values()) {
            if (Long.compareUnsigned(m.last(), last) > 0) {
                return null;
            }
            inside.add(m);
        }
        return inside;
    }

    public void remove(Mapping m) {
        byIova.remove(m.iova());
    }

    /** The lowest {@code align}-aligned free IOVA from {@code from} of {@code size} bytes below {@code limit}, or -1. */
    public long findFree(long from, long size, long align, long limit) {
        long candidate = from;
        for (Mapping m : byIova.tailMap(0L).values()) {
            if (m.iova() + m.size() <= candidate) {
                continue;
            }
            if (m.iova() >= candidate && m.iova() - candidate >= size) {
                break;
            }
            candidate = Math.max(candidate, (m.iova() + m.size() + align - 1) & -align);
        }
        return candidate + size <= limit && candidate >= 0 ? candidate : -1;
    }
}
