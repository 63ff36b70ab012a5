package org.iommusim.core.scenario;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

import org.iommusim.core.bits.Numbers;
import org.iommusim.core.dma.DmaEngine;
import org.iommusim.core.dma.DmaResult;
import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.iommu.MachineConfigException;
import org.iommusim.core.iommu.MachineKind;
import org.iommusim.core.iommu.MachineKinds;
import org.iommusim.core.memory.PhysicalMemory;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Fault;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.request.TranslationResult;

/**
 * Runs {@code .ios} scenario scripts as {@code shared/design/scenario-format.md} (docs/scenarios.md)
 * fixes them: one command per line, executed in order against one simulated machine.
 *
 * <p>Exit status: {@link #PASSED} when every {@code expect} held, {@link #FAILED} when one did not
 * (the run goes on), {@link #MALFORMED} at the first malformed line (nothing after it runs).
 */
public final class ScenarioRunner {
    public static final int PASSED = 0;
    public static final int FAILED = 1;
    public static final int MALFORMED = 2;

    /** Largest {@code dma read len=} accepted. */
    static final int MAX_DMA_LENGTH = 1 << 20;
    /** Runner-level machine option: host physical address bits. */
    static final String PA_BITS_OPTION = "pa_bits";

    public enum Format { TEXT, JSON }

    private final PrintStream out;
    private final PrintStream err;
    private final Format format;
    private final boolean verbose;

    // per-run state
    private String file;
    private int line;
    private Iommu iommu;
    private DmaEngine dma;
    private final Map<String, ScenarioExtension> extensions = new LinkedHashMap<>();
    private final Map<ScenarioExtension, ScenarioExtension.Session> sessions = new LinkedHashMap<>();
    private Outcome last;
    private int failures;
    private int expects;
    private int commands;

    /**
     * @param out     results, failed expects and malformed-line messages
     * @param err     the plain malformed-line message again in JSON mode (so a person sees it)
     * @param format  text or one JSON object per line
     * @param verbose in text mode, print every result (not only failures and errors)
     */
    public ScenarioRunner(PrintStream out, PrintStream err, Format format, boolean verbose) {
        this.out = out;
        this.err = err;
        this.format = format;
        this.verbose = verbose;
        for (ScenarioExtension e : ServiceLoader.load(ScenarioExtension.class)) {
            e.commands().forEach(c -> extensions.putIfAbsent(c, e));
        }
    }

    /** The machine the last run left (for replaying a trace on a machine a script set up). */
    public Optional<Iommu> machine() {
        return Optional.ofNullable(iommu);
    }

    /** Runs the file at {@code path}; an unreadable file is malformed. */
    public int run(Path path) {
        String content;
        try {
            content = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            file = path.toString();
            line = 0;
            return malformed("cannot read the script: " + e.getMessage());
        }
        return run(path.toString(), content);
    }

    /** Runs a script given as text; {@code fileName} names it in messages. */
    public int run(String fileName, String content) {
        file = fileName;
        iommu = null;
        dma = null;
        last = null;
        failures = 0;
        expects = 0;
        commands = 0;
        String[] lines = content.split("\r?\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            line = i + 1;
            List<String> words = words(lines[i]);
            if (words.isEmpty()) {
                continue;
            }
            try {
                execute(words);
            } catch (MalformedScriptException e) {
                return malformed(e.getMessage());
            } catch (RuntimeException e) {
                // A model bug, never the script's fault: report it without a stack trace and stop.
                return malformed("internal error in the " + (iommu == null ? "runner" : iommu.kind()
                        + " model") + ": " + e + " (please report this script)");
            }
        }
        if (commands == 0) {
            line = lines.length;
            return malformed("the script has no commands (it must start with 'machine KIND')");
        }
        if (format == Format.TEXT && verbose) {
            out.printf("%s: %d commands, %d expects, %d failed%n", file, commands, expects, failures);
        }
        return failures == 0 ? PASSED : FAILED;
    }

    private int malformed(String message) {
        String text = file + ":" + line + ": " + message;
        if (format == Format.JSON) {
            out.println(new Json().put("line", line).put("op", "error").put("message", message));
            err.println(text);
        } else {
            out.println(text);
        }
        return MALFORMED;
    }

    static List<String> words(String raw) {
        int hash = raw.indexOf('#');
        String s = hash >= 0 ? raw.substring(0, hash) : raw;
        List<String> words = new ArrayList<>();
        for (String w : s.trim().split("[ \t]+")) {
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        return words;
    }

    private void execute(List<String> w) throws MalformedScriptException {
        String cmd = w.get(0);
        if (!cmd.equals("machine") && iommu == null) {
            throw new MalformedScriptException("'" + cmd + "' before 'machine': a script starts with 'machine KIND'");
        }
        commands++;
        switch (cmd) {
            case "machine" -> machine(w);
            case "mem" -> mem(w);
            case "mmio" -> mmio(w);
            case "translate" -> translate(w);
            case "dma" -> dma(w);
            case "expect" -> expect(w);
            default -> extension(cmd, w);
        }
    }

    // ---- machine ----

    private void machine(List<String> w) throws MalformedScriptException {
        if (w.size() < 2) {
            throw new MalformedScriptException("machine needs a KIND (" + String.join(", ",
                    MachineKinds.all().keySet()) + ")");
        }
        String kindName = w.get(1);
        Optional<MachineKind> kind = MachineKinds.find(kindName);
        if (kind.isEmpty()) {
            throw new MalformedScriptException("machine kind '" + kindName + "' is not available in this build"
                    + " (known: " + String.join(", ", MachineKinds.all().keySet()) + ")");
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (String word : w.subList(2, w.size())) {
            int eq = word.indexOf('=');
            if (eq <= 0 || eq == word.length() - 1) {
                throw new MalformedScriptException("machine option '" + word + "' is not key=value");
            }
            if (options.put(word.substring(0, eq), word.substring(eq + 1)) != null) {
                throw new MalformedScriptException("machine option '" + word.substring(0, eq) + "' given twice");
            }
        }
        int paBits = PhysicalMemory.DEFAULT_ADDRESS_BITS;
        String pa = options.remove(PA_BITS_OPTION);
        if (pa != null) {
            long v = number(pa);
            if (v < PhysicalMemory.MIN_ADDRESS_BITS || v > PhysicalMemory.MAX_ADDRESS_BITS) {
                throw new MalformedScriptException(PA_BITS_OPTION + " must be 32..64");
            }
            paBits = (int) v;
        }
        try {
            iommu = kind.get().create(new PhysicalMemory(paBits), options);
        } catch (MachineConfigException e) {
            throw new MalformedScriptException("machine " + kindName + ": " + e.getMessage());
        }
        dma = new DmaEngine(iommu);
        last = null;
        sessions.clear();
    }

    // ---- commands of extensions (the front end's vfio / iommufd / ioctl) ----

    private void extension(String cmd, List<String> w) throws MalformedScriptException {
        ScenarioExtension e = extensions.get(cmd);
        if (e == null) {
            throw new MalformedScriptException("unknown command '" + cmd + "'");
        }
        ScenarioExtension.Session session = sessions.computeIfAbsent(e, x -> x.open(iommu));
        produce(new Outcome.Call(session.execute(w)));
    }

    // ---- memory and registers ----

    private void mem(List<String> w) throws MalformedScriptException {
        String op = w.size() > 1 ? w.get(1) : "";
        PhysicalMemory m = iommu.memory();
        switch (op) {
            case "write64" -> {
                need(w, 4, "mem write64 ADDR V [V ...]");
                long addr = number(w.get(2));
                int n = w.size() - 3;
                checkMemory(m, addr, 8L * n);
                for (int i = 0; i < n; i++) {
                    m.write64(addr + 8L * i, number(w.get(3 + i)));
                }
            }
            case "write32" -> {
                exactly(w, 4, "mem write32 ADDR V");
                long addr = number(w.get(2));
                long v = number32(w.get(3));
                checkMemory(m, addr, 4);
                m.write32(addr, (int) v);
            }
            case "read64", "read32" -> {
                exactly(w, 3, "mem " + op + " ADDR");
                long addr = number(w.get(2));
                int width = op.equals("read64") ? 8 : 4;
                checkMemory(m, addr, width);
                long v = width == 8 ? m.read64(addr) : Integer.toUnsignedLong(m.read32(addr));
                produce(new Outcome.Value("mem " + op, v));
            }
            default -> throw new MalformedScriptException("unknown 'mem " + op + "' (write64, write32, read64, read32)");
        }
    }

    private void mmio(List<String> w) throws MalformedScriptException {
        String op = w.size() > 1 ? w.get(1) : "";
        switch (op) {
            case "write32", "write64" -> {
                exactly(w, 4, "mmio " + op + " OFF V");
                long off = number(w.get(2));
                long v = op.equals("write32") ? number32(w.get(3)) : number(w.get(3));
                iommu.mmioWrite(off, op.equals("write32") ? 4 : 8, v);
            }
            case "read32", "read64" -> {
                exactly(w, 3, "mmio " + op + " OFF");
                long off = number(w.get(2));
                int width = op.equals("read32") ? 4 : 8;
                long v = iommu.mmioRead(off, width);
                if (width == 4) {
                    v &= 0xFFFF_FFFFL;
                }
                produce(new Outcome.Value("mmio " + op, v));
            }
            default -> throw new MalformedScriptException("unknown 'mmio " + op + "' (write32, write64, read32, read64)");
        }
    }

    // ---- translation and DMA ----

    private void translate(List<String> w) throws MalformedScriptException {
        Args a = Args.parse(w.subList(1, w.size()), List.of("sid", "pasid", "iova", "access"),
                List.of("priv", "translated"));
        TranslationRequest req = new TranslationRequest(sid(a), pasid(a), number(a.require("iova")), access(a),
                a.flag("priv"), a.flag("translated"));
        Translation t = iommu.translate(req);
        if (t instanceof TranslationResult r) {
            produce(new Outcome.Access("translate", true, r.outputAddress(req.iova()), r, null, false, null));
        } else {
            produce(new Outcome.Access("translate", false, -1, null, (Fault) t, false, null));
        }
    }

    private void dma(List<String> w) throws MalformedScriptException {
        String op = w.size() > 1 ? w.get(1) : "";
        DmaResult r;
        switch (op) {
            case "read" -> {
                Args a = Args.parse(w.subList(2, w.size()), List.of("sid", "pasid", "iova", "len"),
                        List.of("priv", "translated"));
                long len = number(a.require("len"));
                if (len > MAX_DMA_LENGTH) {
                    throw new MalformedScriptException("dma read len must be at most " + MAX_DMA_LENGTH);
                }
                r = dma.read(sid(a), pasid(a), a.flag("priv"), a.flag("translated"), number(a.require("iova")),
                        (int) len);
                produce(new Outcome.Access("dma read", r.ok(), r.firstOutputAddress(), null, r.fault(), r.busError(),
                        r.ok() ? r.data() : null));
            }
            case "write" -> {
                Args a = Args.parse(w.subList(2, w.size()), List.of("sid", "pasid", "iova", "data"),
                        List.of("priv", "translated"));
                byte[] data = hex(a.require("data"));
                r = dma.write(sid(a), pasid(a), a.flag("priv"), a.flag("translated"), number(a.require("iova")), data);
                produce(new Outcome.Access("dma write", r.ok(), r.firstOutputAddress(), null, r.fault(), r.busError(),
                        null));
            }
            default -> throw new MalformedScriptException("unknown 'dma " + op + "' (read, write)");
        }
    }

    // ---- checks ----

    private void expect(List<String> w) throws MalformedScriptException {
        if (w.size() < 2) {
            throw new MalformedScriptException("expect needs ok, fault, value=N or data=HEX");
        }
        if (last == null) {
            throw new MalformedScriptException("expect with no result above it to check");
        }
        expects++;
        String what = w.get(1);
        String wanted;
        boolean held;
        switch (what) {
            case "ok" -> {
                if (last instanceof Outcome.Call call) {
                    wanted = "ok" + fieldsText(w.subList(2, w.size()));
                    held = call.result().ok() && fieldsHold(call.result(), w.subList(2, w.size()));
                    break;
                }
                Args a = Args.parse(w.subList(2, w.size()), List.of("pa"), List.of());
                wanted = "ok" + (a.has("pa") ? " pa=" + Numbers.hex(number(a.require("pa"))) : "");
                held = last instanceof Outcome.Access acc && acc.ok()
                        && (!a.has("pa") || acc.pa() == number(a.require("pa")));
            }
            case "fault" -> {
                Args a = Args.parse(w.subList(2, w.size()), List.of("reason", "stage"), List.of());
                StringBuilder sb = new StringBuilder("fault");
                Long reason = a.has("reason") ? number(a.require("reason")) : null;
                Long stage = a.has("stage") ? number(a.require("stage")) : null;
                if (stage != null && stage != 1 && stage != 2) {
                    throw new MalformedScriptException("expect fault stage must be 1 or 2");
                }
                if (reason != null) {
                    sb.append(" reason=").append(Numbers.hex(reason));
                }
                if (stage != null) {
                    sb.append(" stage=").append(stage);
                }
                wanted = sb.toString();
                held = last instanceof Outcome.Access acc && !acc.ok()
                        && (reason == null || (acc.fault() != null && acc.fault().code() == reason))
                        && (stage == null || (acc.fault() != null && acc.fault().stage() == stage));
            }
            default -> {
                if (what.startsWith("errno=")) {
                    String name = what.substring("errno=".length());
                    wanted = what + fieldsText(w.subList(2, w.size()));
                    held = last instanceof Outcome.Call call && name.equals(call.result().errno())
                            && fieldsHold(call.result(), w.subList(2, w.size()));
                    break;
                }
                Args a = Args.parse(w.subList(1, w.size()), List.of("value", "data"), List.of());
                if (a.has("value") == a.has("data")) {
                    throw new MalformedScriptException("expect takes ok, fault, value=N or data=HEX");
                }
                if (a.has("value")) {
                    long v = number(a.require("value"));
                    wanted = "value=" + Numbers.hex(v);
                    held = last instanceof Outcome.Value val && val.value() == v;
                } else {
                    byte[] d = hex(a.require("data"));
                    wanted = "data=" + HexFormat.of().formatHex(d);
                    held = last instanceof Outcome.Access acc && acc.data() != null
                            && java.util.Arrays.equals(acc.data(), d);
                }
            }
        }
        if (!held) {
            failures++;
            String got = last.describe();
            if (format == Format.JSON) {
                out.println(new Json().put("line", line).put("op", "expect").put("ok", false)
                        .put("expected", wanted).put("got", got));
            } else {
                out.println(file + ":" + line + ": expected " + wanted + " got " + got);
            }
        } else if (format == Format.TEXT && verbose) {
            out.println(file + ":" + line + ": expect " + wanted + ": held");
        }
    }

    private static String fieldsText(List<String> pairs) {
        return pairs.isEmpty() ? "" : " " + String.join(" ", pairs);
    }

    /** Each KEY=VALUE is an out-field of the call with that value: numbers as numbers, else hex bytes. */
    private static boolean fieldsHold(CallResult r, List<String> pairs) throws MalformedScriptException {
        boolean held = true;
        for (String p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new MalformedScriptException("expect takes KEY=VALUE pairs, not '" + p + "'");
            }
            String got = r.fields().get(p.substring(0, eq));
            held &= got != null && sameValue(p.substring(eq + 1), got);
        }
        return held;
    }

    /** The front end prints numbers as 0x...; anything else it prints is a buffer (hex bytes). */
    private static boolean sameValue(String wanted, String got) {
        if (!got.startsWith("0x")) {
            return normalHex(wanted).equals(normalHex(got));
        }
        try {
            return Numbers.parseUnsigned(wanted) == Numbers.parseUnsigned(got);
        } catch (NumberFormatException e) {
            return normalHex(wanted).equals(normalHex(got));
        }
    }

    private static String normalHex(String s) {
        String h = s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : s;
        return h.replace("_", "").toLowerCase(Locale.ROOT);
    }

    private void produce(Outcome o) {
        last = o;
        if (format == Format.JSON) {
            out.println(o.json(line));
        } else if (verbose) {
            out.println(file + ":" + line + ": " + o.describe());
        }
    }

    // ---- argument helpers ----

    private int sid(Args a) throws MalformedScriptException {
        long sid = number(a.require("sid"));
        if (sid > 0xFFFF_FFFFL) {
            throw new MalformedScriptException("sid must fit in 32 bits");
        }
        return (int) sid;
    }

    private int pasid(Args a) throws MalformedScriptException {
        if (!a.has("pasid")) {
            return TranslationRequest.NO_PASID;
        }
        long p = number(a.require("pasid"));
        if (p > TranslationRequest.MAX_PASID) {
            throw new MalformedScriptException("pasid must fit in 20 bits");
        }
        return (int) p;
    }

    private static Access access(Args a) throws MalformedScriptException {
        String s = a.require("access");
        return switch (s) {
            case "read" -> Access.READ;
            case "write" -> Access.WRITE;
            case "exec" -> Access.EXEC;
            default -> throw new MalformedScriptException("access must be read, write or exec, not '" + s + "'");
        };
    }

    private static void checkMemory(PhysicalMemory m, long addr, long len) throws MalformedScriptException {
        if (!m.inRange(addr, len)) {
            throw new MalformedScriptException(String.format(
                    "address 0x%x+%d is beyond the machine's %d-bit physical memory", addr, len, m.addressBits()));
        }
    }

    static long number(String s) throws MalformedScriptException {
        try {
            return Numbers.parseUnsigned(s);
        } catch (NumberFormatException e) {
            throw new MalformedScriptException(e.getMessage());
        }
    }

    private static long number32(String s) throws MalformedScriptException {
        long v = number(s);
        if (Long.compareUnsigned(v, 0xFFFF_FFFFL) > 0) {
            throw new MalformedScriptException("value " + s + " does not fit in 32 bits");
        }
        return v;
    }

    private static byte[] hex(String s) throws MalformedScriptException {
        try {
            byte[] b = Numbers.parseHexBytes(s, MAX_DMA_LENGTH);
            if (b.length == 0) {
                throw new MalformedScriptException("data needs at least one byte");
            }
            return b;
        } catch (NumberFormatException e) {
            throw new MalformedScriptException(e.getMessage());
        }
    }

    private static void need(List<String> w, int min, String usage) throws MalformedScriptException {
        if (w.size() < min) {
            throw new MalformedScriptException("usage: " + usage);
        }
    }

    private static void exactly(List<String> w, int n, String usage) throws MalformedScriptException {
        if (w.size() != n) {
            throw new MalformedScriptException("usage: " + usage);
        }
    }

    /** The key=value options and bare flags of one command. */
    private record Args(Map<String, String> values, List<String> flags) {
        static Args parse(List<String> words, List<String> keys, List<String> allowedFlags)
                throws MalformedScriptException {
            Map<String, String> values = new LinkedHashMap<>();
            List<String> flags = new ArrayList<>();
            for (String word : words) {
                int eq = word.indexOf('=');
                if (eq < 0) {
                    if (!allowedFlags.contains(word)) {
                        throw new MalformedScriptException("unexpected word '" + word + "'");
                    }
                    flags.add(word);
                    continue;
                }
                String k = word.substring(0, eq);
                if (!keys.contains(k)) {
                    throw new MalformedScriptException("unknown option '" + k + "' (expected " + keys + ")");
                }
                if (values.put(k, word.substring(eq + 1)) != null) {
                    throw new MalformedScriptException("option '" + k + "' given twice");
                }
            }
            return new Args(values, flags);
        }

        boolean has(String key) {
            return values.containsKey(key);
        }

        boolean flag(String f) {
            return flags.contains(f);
        }

        String require(String key) throws MalformedScriptException {
            String v = values.get(key);
            if (v == null || v.isEmpty()) {
                throw new MalformedScriptException("missing " + key + "=");
            }
            return v;
        }
    }
}
