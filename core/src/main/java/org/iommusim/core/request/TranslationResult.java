package org.iommusim.core.request;

/**
 * A successful translation of the page that holds the request's input address.
 *
 * <p>It describes the whole page rather than one address, so a cached translation can be returned
 * as it is on every IOTLB hit without allocating; {@link #outputAddress(long)} adds the offset.
 *
 * @param pageBase    output (host-physical) address of the start of the page
 * @param pageSize    size of the page or block in bytes, a power of two
 * @param permissions {@link Permissions} bits granted to this requester
 * @param attributes  vendor memory attributes (memory type, shareability ...), 0 when none
 */
public record TranslationResult(long pageBase, long pageSize, int permissions, long attributes)
        implements Translation {

    public TranslationResult {
        if (pageSize <= 0 || Long.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("page size must be a power of two: " + pageSize);
        }
        if ((pageBase & (pageSize - 1)) != 0) {
            throw new IllegalArgumentException(String.format(
                    "page base 0x%x not aligned to size 0x%x", pageBase, pageSize));
        }
    }

    @Override
    public boolean ok() {
        return true;
    }

    /** The output address of {@code iova}, which must lie in the translated page. */
    public long outputAddress(long iova) {
        return pageBase | (iova & (pageSize - 1));
    }

    public boolean permits(Access access) {
        return (permissions & access.permission()) != 0;
    }
}
