package org.iommusim.testkit.gen;

import java.util.ArrayList;
import java.util.List;

import org.iommusim.core.host.HostIommuDriver;

/**
 * What a mapping set may contain: inputs below {@code 2^inputBits}, outputs in
 * {@code [outputBase, outputBase + 2^outputBits)}, page sizes from {@code pageSizes} (powers of two,
 * each at least 4 KiB), at most {@code maxMappings} mappings, permissions from {@code permissionSets}.
 * The constants are the page sizes of each format the models implement.
 */
public record MappingShape(int inputBits, long outputBase, int outputBits, List<Long> pageSizes, int maxMappings,
                           List<Integer> permissionSets) {
    private static final long K4 = 1L << 12, K16 = 1L << 14, K64 = 1L << 16, M2 = 1L << 21, M32 = 1L << 25,
            M512 = 1L << 29, G1 = 1L << 30;
    /** Read-only, write-only, read/write (the stage-2 and second-stage permissions a host maps with). */
    public static final List<Integer> READ_WRITE_SETS = List.of(1, 2, 3);

    /** VT-d second stage and first stage (Intel VT-d 3.6, 3.7): 4 KiB, 2 MiB, 1 GiB. */
    public static final List<Long> VTD_PAGES = List.of(K4, M2, G1);
    /** VMSAv8-64 4 KiB granule: pages and level-1/level-2 blocks. */
    public static final List<Long> VMSA_4K_PAGES = List.of(K4, M2, G1);
    /** VMSAv8-64 16 KiB granule: pages and level-2 blocks. */
    public static final List<Long> VMSA_16K_PAGES = List.of(K16, M32);
    /** VMSAv8-64 64 KiB granule: pages and level-2 blocks. */
    public static final List<Long> VMSA_64K_PAGES = List.of(K64, M512);

    public MappingShape {
        if (inputBits < 13 || inputBits > 64 || outputBits < 13 || outputBits > 64 || maxMappings < 0) {
            throw new IllegalArgumentException("bad mapping shape");
        }
        pageSizes = List.copyOf(pageSizes);
        permissionSets = List.copyOf(permissionSets);
        if (pageSizes.isEmpty() || permissionSets.isEmpty()) {
            throw new IllegalArgumentException("no page sizes or no permissions");
        }
        for (long size : pageSizes) {
            if (Long.bitCount(size) != 1 || size < K4 || Long.numberOfTrailingZeros(size) >= Math.min(inputBits, outputBits)) {
                throw new IllegalArgumentException("page size 0x" + Long.toHexString(size) + " does not fit");
            }
        }
        if ((outputBase & (pageSizes.stream().mapToLong(Long::longValue).max().orElseThrow() - 1)) != 0) {
            throw new IllegalArgumentException("outputBase must be aligned to the largest page");
        }
    }

    /**
     * What a host driver can map: its IOVA width (capped at {@code maxInputBits}) and every page size in its
     * page-size bitmap, outputs in {@code [outputBase, outputBase + 2^outputBits)}.
     */
    public static MappingShape of(HostIommuDriver driver, int maxInputBits, long outputBase, int outputBits,
                                  int maxMappings) {
        List<Long> sizes = new ArrayList<>();
        long bitmap = driver.pageSizes();
        int inputBits = Math.min(driver.iovaBits(), maxInputBits);
        for (int shift = 12; shift < Math.min(inputBits, outputBits); shift++) {
            if ((bitmap & (1L << shift)) != 0) {
                sizes.add(1L << shift);
            }
        }
        return new MappingShape(inputBits, outputBase, outputBits, sizes, maxMappings, READ_WRITE_SETS);
    }

    /** The same shape with other page sizes. */
    public MappingShape withPageSizes(List<Long> sizes) {
        return new MappingShape(inputBits, outputBase, outputBits, sizes, maxMappings, permissionSets);
    }
}
