package org.iommusim.bench.smmuv2;

import org.iommusim.bench.Workload;
import org.iommusim.core.cache.CacheConfig;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Permissions;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.smmu.v2.SmmuV2;
import org.iommusim.smmu.v2.SmmuV2Config;
import org.iommusim.smmu.v2.driver.Allocator;
import org.iommusim.smmu.v2.driver.SmmuV2Driver;
import org.iommusim.smmu.v2.driver.SmmuV2Driver.Domain;
import org.iommusim.smmu.v2.driver.TableMemory;
import org.iommusim.smmu.vmsa.Granule;

/**
 * An SMMUv2 (preset "default") set up by {@link SmmuV2Driver} through registers and memory only:
 * StreamID 5 routed to a stage-1 context bank (4-level, 4 KiB granule, 48-bit VA), or to a nested
 * stage-1 bank over a 4-level stage-2 bank that maps guest RAM with 4 KiB pages. SMMUv2 has no walk
 * caches: its only translation cache is the TLB, which {@code tlb} sizes (disabled for cold walks).
 */
public final class SmmuV2Machine {
    public enum Shape { STAGE1_4, NESTED_4_OVER_4 }

    public static final int SID = 5;
    static final long TABLES = 0x100_0000L;
    static final long TABLES_SIZE = 1L << 30;
    static final long HOST_OUTPUT_BASE = 0x10_0000_0000L;
    /** Guest RAM: IPA 0 is host-physical {@code GUEST_PA}. */
    static final long GUEST_PA = 0x2_0000_0000L;
    static final long GUEST_TABLES = 0x10_0000L;
    static final long GUEST_OUTPUT = 0x400_0000L;

    public final SmmuV2 smmu;
    public final SmmuV2Driver driver;
    public final Domain domain;
    public final Shape shape;
    public final long pageSize;

    public SmmuV2Machine(Shape shape, CacheConfig tlb, int pages, long pageSize) {
        this.shape = shape;
        this.pageSize = pageSize;
        PhysicalMemory memory = new PhysicalMemory();
        smmu = new SmmuV2(memory, SmmuV2Config.defaults().withTlb(tlb));
        driver = new SmmuV2Driver(smmu, new Allocator(TABLES, TABLES_SIZE));
        driver.reset();
        long output;
        if (shape == Shape.STAGE1_4) {
            domain = driver.allocateStage1(Granule.GRANULE_4K, 48);
            output = HOST_OUTPUT_BASE;
        } else {
            Domain s2 = driver.allocateStage2(Granule.GRANULE_4K, 48, 0);
            for (long ipa = 0; ipa < GUEST_OUTPUT + pages * pageSize; ipa += 4096) {
                driver.map(s2, ipa, GUEST_PA + ipa, 4096, Permissions.READ | Permissions.WRITE);
            }
            TableMemory guest = new TableMemory() {
                @Override
                public long read64(long ipa) {
                    return memory.read64(GUEST_PA + ipa);
                }

                @Override
                public void write64(long ipa, long value) {
                    memory.write64(GUEST_PA + ipa, value);
                }
            };
            domain = driver.allocateNested(s2, Granule.GRANULE_4K, 48, guest,
                    new Allocator(GUEST_TABLES, GUEST_OUTPUT - GUEST_TABLES));
            output = GUEST_OUTPUT;
        }
        for (int i = 0; i < pages; i++) {
            driver.map(domain, Workload.IOVA_BASE + i * pageSize, output + i * pageSize, pageSize,
                    Permissions.READ | Permissions.WRITE);
        }
        driver.attach(SID, 0, domain);
    }

    public TranslationRequest[] requests(int[] pageIndices, Access access) {
        TranslationRequest[] out = new TranslationRequest[pageIndices.length];
        for (int i = 0; i < out.length; i++) {
            long iova = Workload.IOVA_BASE + pageIndices[i] * pageSize + ((i * 64L) & 0xFC0);
            out[i] = TranslationRequest.of(SID, iova, access);
        }
        return out;
    }

    public int coldWalkReferences() {
        return shape == Shape.STAGE1_4 ? 4 : 24;
    }
}
