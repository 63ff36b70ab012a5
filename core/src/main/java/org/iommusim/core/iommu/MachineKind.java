package org.iommusim.core.iommu;

import java.util.List;
import java.util.Map;

import org.iommusim.core.memory.PhysicalMemory;

/**
 * A kind of machine a vendor module offers to the scenario runner and the CLI ({@code vtd},
 * {@code smmuv3}, {@code smmuv2}). Implementations are found with {@link java.util.ServiceLoader}:
 * a vendor module lists its kinds in {@code META-INF/services/org.iommusim.core.iommu.MachineKind}.
 */
public interface MachineKind {
    /** The word a script names it by. */
    String name();

    /** One line for {@code iommusim caps} and help. */
    String description();

    /** The presets {@code preset=NAME} accepts, the default one first. */
    List<String> presets();

    /** The identification and capability registers of this kind, in register order (for {@code iommusim caps}). */
    List<IdRegister> idRegisters();

    /**
     * Makes a fresh IOMMU over {@code memory}.
     *
     * @param options the script's {@code key=value} options (for example {@code preset}, {@code cap},
     *                {@code idr0}), values as written
     * @throws MachineConfigException for an unknown key, preset or a bad value
     */
    Iommu create(PhysicalMemory memory, Map<String, String> options) throws MachineConfigException;
}
