package org.iommusim.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.iommusim.core.host.NestingCapabilities;
import org.iommusim.core.iommu.IdRegister;
import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.iommu.MachineConfigException;
import org.iommusim.core.iommu.MachineKind;
import org.iommusim.core.iommu.MachineKinds;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.uapi.ErrnoException;
import org.iommusim.vfio.FrontEnd;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code iommusim caps}: each machine kind's capability registers, decoded, and what the front end
 * reports on it (the seed's nesting matrix and the structured stage-1 format), computed by the kind's
 * host driver from those registers.
 */
@Command(name = "caps", mixinStandardHelpOptions = true,
        description = {"Print machine kinds, presets, registers and what the front end offers (nesting matrix).",
                "For one kind: its ID/capability registers raw and decoded, the nesting operations the front end",
                "offers on it (the 2020 VFIO proposal's matrix) and the structured stage-1 format."})
final class CapsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "KIND", description = "vtd, smmuv3 or smmuv2; all kinds when omitted.")
    String kind;

    @Option(names = "--preset", paramLabel = "NAME", description = "A preset of KIND (default: the kind's default).")
    String preset;

    @Option(names = "--json", description = "One JSON object per kind: registers, decoded fields, nesting, stage1Format.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, MachineKind> kinds = MachineKinds.all();
        if (kind != null && !kinds.containsKey(kind)) {
            err.println("iommusim caps: unknown kind '" + kind + "' (known: " + String.join(", ", kinds.keySet()) + ")");
            return 2;
        }
        if (preset != null && kind == null) {
            err.println("iommusim caps: --preset needs a KIND");
            return 2;
        }
        for (MachineKind k : kinds.values()) {
            if (kind != null && !kind.equals(k.name())) {
                continue;
            }
            try {
                Report r = Report.of(k, preset);
                out.println(json ? JsonText.of(r.json()) : r.text());
            } catch (MachineConfigException | ErrnoException e) {
                err.println("iommusim caps: " + k.name() + ": " + e.getMessage());
                return 2;
            }
        }
        out.flush();
        return 0;
    }

    /** One kind and preset: its registers, decoded fields and the front end's answers. */
    record Report(MachineKind kind, String preset, Map<String, Long> registers, Map<String, Long> decoded,
                  NestingCapabilities nesting) {
        static Report of(MachineKind k, String preset) throws MachineConfigException, ErrnoException {
            return of(k, preset == null ? Map.of() : Map.of("preset", preset));
        }

        /** A kind with machine options as a script's {@code machine} line gives them. */
        static Report of(MachineKind k, Map<String, String> options) throws MachineConfigException, ErrnoException {
            String preset = options.get("preset");
            Iommu iommu = k.create(new PhysicalMemory(), options);
            Map<String, Long> registers = new LinkedHashMap<>();
            for (IdRegister reg : k.idRegisters()) {
                long v = iommu.mmioRead(reg.offset(), reg.width());
                registers.put(reg.name(), reg.width() == 4 ? v & 0xFFFF_FFFFL : v);
            }
            Map<String, Long> decoded = new LinkedHashMap<>(iommu.capabilities());
            NestingCapabilities n = new FrontEnd(iommu).driver().nesting();
            return new Report(k, preset == null ? k.presets().get(0) : preset, registers, decoded, n);
        }

        Map<String, Object> matrix() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pasidRequest", nesting.pasidRequest());
            m.put("bindGuestPgtbl", nesting.bindGuestPgtbl());
            m.put("bindPasidTable", nesting.bindPasidTable());
            m.put("cacheInvalidate", nesting.cacheInvalidate());
            return m;
        }

        Map<String, Object> json() {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("kind", kind.name());
            j.put("preset", preset);
            Map<String, Object> regs = new LinkedHashMap<>();
            registers.forEach((name, v) -> regs.put(name, "0x" + Long.toHexString(v)));
            j.put("registers", regs);
            Map<String, Object> dec = new LinkedHashMap<>();
            decoded.forEach((name, v) -> dec.put(name, v));
            j.put("decoded", dec);
            j.put("nesting", matrix());
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("format", nesting.format());
            info.put("features", nesting.features());
            info.put("addrWidth", nesting.addrWidth());
            info.put("pasidBits", nesting.pasidBits());
            j.put("nestingInfo", info);
            j.put("stage1Format", nesting.stage1Format());
            return j;
        }

        String text() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("%s: %s%n  presets: %s%n  registers (%s):%n", kind.name(), kind.description(),
                    String.join(", ", kind.presets()), preset));
            registers.forEach((name, v) -> sb.append(String.format("    %-24s 0x%x%n", name, v)));
            sb.append("  decoded:\n");
            decoded.forEach((name, v) -> sb.append(String.format("    %-24s 0x%x%n", name, v)));
            sb.append("  nesting (what the front end offers a VMM, from the registers above):\n");
            sb.append(row("PASID_REQUEST (system-wide PASID space)", nesting.pasidRequest()));
            sb.append(row("BIND_GUEST_PGTBL (one guest stage-1 table)", nesting.bindGuestPgtbl()));
            sb.append(row("BIND_PASID_TABLE (the guest's PASID/CD table)", nesting.bindPasidTable()));
            sb.append(row("CACHE_INVALIDATE", nesting.cacheInvalidate()));
            sb.append(String.format("    iommu_nesting_info: format=0x%x features=0x%x addr_width=%d pasid_bits=%d%n",
                    nesting.format(), nesting.features(), nesting.addrWidth(), nesting.pasidBits()));
            sb.append("  stage-1 format:\n");
            nesting.stage1Format().forEach((name, v) -> sb.append(String.format("    %-24s %s%n", name, v)));
            return sb.toString().stripTrailing();
        }

        private static String row(String what, boolean yes) {
            return String.format("    %-48s %s%n", what, yes ? "yes" : "no");
        }
    }
}
