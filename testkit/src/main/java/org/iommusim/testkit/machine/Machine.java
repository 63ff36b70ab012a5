package org.iommusim.testkit.machine;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.iommusim.core.dma.DmaEngine;
import org.iommusim.core.dma.DmaResult;
import org.iommusim.core.host.HostDrivers;
import org.iommusim.core.host.HostIommuDriver;
import org.iommusim.core.iommu.CachesOption;
import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.iommu.MachineConfigException;
import org.iommusim.core.iommu.MachineKind;
import org.iommusim.core.iommu.MachineKinds;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.uapi.ErrnoException;
import org.iommusim.testkit.PageMapping;

/**
 * A whole machine for a test: host memory, one IOMMU of a kind the vendor modules offer
 * ({@code vtd}, {@code smmuv3}, {@code smmuv2}), the host driver that owns it (found through
 * {@link HostDrivers}, exactly as the front end finds it) and a DMA engine. Requests made through it are
 * followed by the host driver's fault handler. The host driver keeps its
 * tables and queues in {@code [HOST_REGION_START, HOST_REGION_END)}; VMs' RAM lives elsewhere.
 */
public final class Machine {
    /** Where the host driver allocates its own tables and queues. */
    public static final long HOST_REGION_START = 0x70_0000_0000L;
    public static final long HOST_REGION_END = 0x78_0000_0000L;
    /** The machine kinds every vendor module on the classpath offers, sorted. */
    public static List<String> kinds() {
        return List.copyOf(MachineKinds.all().keySet());
    }

    private final String kind;
    private final Iommu iommu;
    private final HostIommuDriver driver;
    private final DmaEngine dma;

    private Machine(String kind, Iommu iommu, HostIommuDriver driver) {
        this.kind = kind;
        this.iommu = iommu;
        this.driver = driver;
        this.dma = new DmaEngine(iommu);
    }

    /** A machine of {@code kind} with its default caches. */
    public static Machine create(String kind) {
        return create(kind, Map.of());
    }

    /** A machine of {@code kind} with every cache off ({@code caches=none}): the cache-transparency reference. */
    public static Machine withoutCaches(String kind) {
        return create(kind, Map.of(CachesOption.KEY, "none"));
    }

    /** A machine of {@code kind} with the options a scenario's {@code machine} line takes. */
    public static Machine create(String kind, Map<String, String> options) {
        MachineKind k = MachineKinds.find(kind).orElseThrow(
                () -> new IllegalArgumentException("no machine kind '" + kind + "' (known: " + kinds() + ")"));
        HostDrivers.Provider p = HostDrivers.find(kind).orElseThrow(
                () -> new IllegalArgumentException("no host driver for machine kind '" + kind + "'"));
        Iommu iommu;
        try {
            iommu = k.create(new PhysicalMemory(), new HashMap<>(options));
        } catch (MachineConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return new Machine(kind, iommu, p.create(iommu, HOST_REGION_START, HOST_REGION_END));
    }

    /**
     * A VM: a fresh paging domain holding {@code ram} (its stage 2: guest physical to host physical),
     * attached to {@code devices}.
     */
    public Vm vm(List<PageMapping> ram, int... devices) {
        try {
            return Vm.create(this, ram, devices);
        } catch (ErrnoException e) {
            throw new IllegalStateException("the host driver refused the VM: " + e.getMessage(), e);
        }
    }

    /**
     * One untranslated request without a PASID, then the kernel's fault handler (so a fault never
     * changes what the next request sees, as with a kernel whose interrupt handler keeps up).
     */
    public Translation translate(int sid, long iova, Access access) {
        Translation t = iommu.translate(TranslationRequest.of(sid, iova, access));
        driver.handleFaults();
        return t;
    }

    /** A DMA read from device {@code sid}, then the kernel's fault handler. */
    public DmaResult dmaRead(int sid, long iova, int length) {
        DmaResult d = dma.read(sid, TranslationRequest.NO_PASID, false, iova, length);
        driver.handleFaults();
        return d;
    }

    /** A DMA write from device {@code sid}, then the kernel's fault handler. */
    public DmaResult dmaWrite(int sid, long iova, byte[] data) {
        DmaResult d = dma.write(sid, TranslationRequest.NO_PASID, false, iova, data);
        driver.handleFaults();
        return d;
    }

    public static boolean inHostRegion(long address) {
        return Long.compareUnsigned(address - HOST_REGION_START, HOST_REGION_END - HOST_REGION_START) < 0;
    }

    public String kind() {
        return kind;
    }

    public Iommu iommu() {
        return iommu;
    }

    public PhysicalMemory memory() {
        return iommu.memory();
    }

    public HostIommuDriver driver() {
        return driver;
    }

    @Override
    public String toString() {
        return kind;
    }
}
