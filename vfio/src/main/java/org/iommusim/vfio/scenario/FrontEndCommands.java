package org.iommusim.vfio.scenario;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.iommusim.core.bits.Numbers;
import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.scenario.CallResult;
import org.iommusim.core.scenario.MalformedScriptException;
import org.iommusim.core.scenario.ScenarioExtension;
import org.iommusim.core.uapi.ErrnoException;
import org.iommusim.core.uapi.Layout;
import org.iommusim.vfio.FrontEnd;
import org.iommusim.vfio.IoctlResult;
import org.iommusim.vfio.Ioctls;
import org.iommusim.vfio.uapi.Constants;

/**
 * The front end's script commands, as shared/design/frontend-format.md fixes them (docs/vfio.md):
 * {@code vfio container}, {@code vfio device sid=N}, {@code iommufd open} and
 * {@code ioctl NAME HANDLE key=value ... [data=HEX]}. The kernel boots on the first of them.
 */
public final class FrontEndCommands implements ScenarioExtension {
    /** The largest ioctl payload a script may give (a page of invalidation entries and more). */
    private static final int MAX_PAYLOAD = 1 << 16;
    private static final Set<String> HANDLE_KEYS = Set.of("container", "device", "iommufd");

    @Override
    public Set<String> commands() {
        return Set.of("vfio", "iommufd", "ioctl");
    }

    @Override
    public Session open(Iommu iommu) {
        return new Script(iommu);
    }

    private static final class Script implements Session {
        private final Iommu iommu;
        private FrontEnd kernel;
        private ErrnoException bootFailure;

        Script(Iommu iommu) {
            this.iommu = iommu;
        }

        private FrontEnd kernel() throws MalformedScriptException {
            if (kernel == null && bootFailure == null) {
                try {
                    kernel = new FrontEnd(iommu);
                } catch (ErrnoException e) {
                    bootFailure = e;
                }
            }
            if (kernel == null) {
                throw new MalformedScriptException("the front end cannot run on this machine: " + bootFailure.getMessage());
            }
            return kernel;
        }

        @Override
        public CallResult execute(List<String> w) throws MalformedScriptException {
            String line = String.join(" ", w);
            switch (w.get(0)) {
                case "vfio" -> {
                    if (w.size() == 2 && w.get(1).equals("container")) {
                        return CallResult.ok(line, Map.of("container", String.valueOf(kernel().openContainer())));
                    }
                    if (w.size() == 3 && w.get(1).equals("device") && w.get(2).startsWith("sid=")) {
                        long sid = number(w.get(2).substring(4));
                        try {
                            return CallResult.ok(line, Map.of("device", String.valueOf(kernel().openDevice((int) sid))));
                        } catch (ErrnoException e) {
                            return CallResult.failed(line, e.errno().name(), Map.of());
                        }
                    }
                    throw new MalformedScriptException("usage: vfio container | vfio device sid=N");
                }
                case "iommufd" -> {
                    if (w.size() == 2 && w.get(1).equals("open")) {
                        return CallResult.ok(line, Map.of("iommufd", String.valueOf(kernel().openIommufd())));
                    }
                    throw new MalformedScriptException("usage: iommufd open");
                }
                default -> {
                    return ioctl(w);
                }
            }
        }

        private CallResult ioctl(List<String> w) throws MalformedScriptException {
            if (w.size() < 3) {
                throw new MalformedScriptException("usage: ioctl NAME HANDLE key=value ...");
            }
            String name = w.get(1);
            Ioctls.Definition def = Ioctls.find(name).orElseThrow(() -> new MalformedScriptException(
                    "unknown ioctl '" + name + "' (known: " + String.join(", ", Ioctls.all().keySet()) + ")"));
            String[] handle = w.get(2).split("=", 2);
            if (handle.length != 2 || !HANDLE_KEYS.contains(handle[0])) {
                throw new MalformedScriptException("ioctl " + name + ": the handle comes first: container=N, device=N or iommufd=N");
            }
            FrontEnd.HandleKind kind = FrontEnd.HandleKind.valueOf(handle[0].toUpperCase(Locale.ROOT));
            long handleNumber = number(handle[1]);
            Map<String, Long> fields = new LinkedHashMap<>();
            byte[] data = new byte[0];
            for (String word : w.subList(3, w.size())) {
                int eq = word.indexOf('=');
                if (eq <= 0) {
                    throw new MalformedScriptException("ioctl " + name + ": '" + word + "' is not key=value");
                }
                String key = word.substring(0, eq);
                String value = word.substring(eq + 1);
                if (key.equals("data")) {
                    data = hex(value);
                    continue;
                }
                Layout.Field f = def.layout().field(key).orElseThrow(() -> new MalformedScriptException(
                        "ioctl " + name + ": " + def.layout().name() + " has no field '" + key + "' (fields: "
                                + def.layout().fields().stream().map(Layout.Field::name).toList() + ")"));
                long v = value(value);
                if (f.size() < 8 && Long.compareUnsigned(v, (1L << (8 * f.size())) - 1) > 0) {
                    throw new MalformedScriptException("ioctl " + name + ": " + key + "=" + value + " does not fit in "
                            + 8 * f.size() + " bits");
                }
                fields.put(key, v);
            }
            IoctlResult r = kernel().ioctl(name, kind, handleNumber, fields, data);
            Map<String, String> out = new LinkedHashMap<>();
            if (r.value() != null) {
                out.put("value", Numbers.hex(r.value()));
            }
            r.fields().forEach((k, v) -> out.put(k, v instanceof byte[] b ? HexFormat.of().formatHex(b)
                    : Numbers.hex((Long) v)));
            String line = String.join(" ", w.subList(0, 2));
            return r.ok() ? CallResult.ok(line, out) : CallResult.failed(line, r.errno().name(), out);
        }

        /** A number, or constants by their header names joined by '|'. */
        private static long value(String s) throws MalformedScriptException {
            long v = 0;
            for (String part : s.split("\\|")) {
                if (!part.isEmpty() && Character.isDigit(part.charAt(0))) {
                    v |= number(part);
                } else {
                    v |= Constants.value(part).orElseThrow(() -> new MalformedScriptException("unknown constant '"
                            + part + "'"));
                }
            }
            return v;
        }

        private static long number(String s) throws MalformedScriptException {
            try {
                return Numbers.parseUnsigned(s);
            } catch (NumberFormatException e) {
                throw new MalformedScriptException(e.getMessage());
            }
        }

        private static byte[] hex(String s) throws MalformedScriptException {
            try {
                return Numbers.parseHexBytes(s, MAX_PAYLOAD);
            } catch (NumberFormatException e) {
                throw new MalformedScriptException(e.getMessage());
            }
        }
    }
}
