package org.iommusim.smmu.v3.driver;

/** Mapping permissions and attributes, as Linux's IOMMU_READ / WRITE / CACHE / NOEXEC / MMIO / PRIV. */
public final class Prot {
    public static final int READ = 1;
    public static final int WRITE = 1 << 1;
    public static final int CACHE = 1 << 2;
    public static final int NOEXEC = 1 << 3;
    public static final int MMIO = 1 << 4;
    public static final int PRIV = 1 << 5;

    private Prot() {
    }
}
