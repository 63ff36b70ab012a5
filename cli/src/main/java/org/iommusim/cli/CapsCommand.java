package org.iommusim.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.iommusim.core.iommu.IdRegister;
import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.iommu.MachineConfigException;
import org.iommusim.core.iommu.MachineKind;
import org.iommusim.core.iommu.MachineKinds;
import org.iommusim.core.memory.PhysicalMemory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code iommusim caps}: the capability registers of each machine kind and preset, decoded. */
@Command(name = "caps", mixinStandardHelpOptions = true,
        description = "Print the machine kinds, their presets, and the decoded capability registers of one.")
final class CapsCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "KIND", description = "vtd, smmuv3 or smmuv2; all kinds when omitted.")
    String kind;

    @Option(names = "--preset", paramLabel = "NAME", description = "A preset of KIND (default: the kind's default).")
    String preset;

    @Override
    public Integer call() {
        Map<String, MachineKind> kinds = MachineKinds.all();
        if (kind != null && !kinds.containsKey(kind)) {
            System.err.println("iommusim caps: unknown kind '" + kind + "' (known: " + String.join(", ", kinds.keySet())
                    + ")");
            return 2;
        }
        if (kinds.isEmpty()) {
            System.out.println("No machine kinds are available in this build.");
            return 0;
        }
        for (MachineKind k : kinds.values()) {
            if (kind != null && !kind.equals(k.name())) {
                continue;
            }
            System.out.printf("%s: %s%n  presets: %s%n", k.name(), k.description(), String.join(", ", k.presets()));
            Map<String, String> options = new LinkedHashMap<>();
            if (preset != null) {
                options.put("preset", preset);
            }
            try {
                Iommu iommu = k.create(new PhysicalMemory(), options);
                System.out.printf("  registers (%s):%n", preset == null ? k.presets().get(0) : preset);
                for (IdRegister r : k.idRegisters()) {
                    long v = iommu.mmioRead(r.offset(), r.width());
                    System.out.printf("    %-24s 0x%x%n", r.name(), r.width() == 4 ? v & 0xFFFF_FFFFL : v);
                }
                System.out.println("  decoded:");
                iommu.capabilities().forEach((name, value) ->
                        System.out.printf("    %-24s 0x%x%n", name, value));
            } catch (MachineConfigException e) {
                System.err.println("iommusim caps: " + k.name() + ": " + e.getMessage());
                return 2;
            }
        }
        return 0;
    }
}
