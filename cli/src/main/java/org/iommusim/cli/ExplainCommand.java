package org.iommusim.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.iommusim.core.bits.Numbers;
import org.iommusim.core.iommu.Iommu;
import org.iommusim.core.request.Access;
import org.iommusim.core.request.Fault;
import org.iommusim.core.request.Permissions;
import org.iommusim.core.request.Translation;
import org.iommusim.core.request.TranslationRequest;
import org.iommusim.core.request.TranslationResult;
import org.iommusim.core.scenario.ScenarioRunner;
import org.iommusim.core.walk.MemoryReference;
import org.iommusim.core.walk.WalkTrace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code iommusim explain}: one translation, step by step, from the model's own walk trace: each
 * page-table reference (stage, level, the table and the index the address selects, the entry read), the
 * result or the fault, and the two-dimensional walk picture (SVG, and an HTML page with it and the step
 * table).
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Explain one translation step by step, with a picture of the two-dimensional walk.",
                "Sets a machine up with a script, translates one request with the walk traced, prints each",
                "memory reference and draws the walk grid (SVG, HTML).",
                "Exit status: 0 explained (a fault is an answer too), 2 bad usage or a setup that does not run."})
final class ExplainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--vendor", required = true, paramLabel = "KIND", description = "vtd, smmuv3 or smmuv2.")
    String vendor;

    @Option(names = "--preset", paramLabel = "NAME", description = "A preset, when the setup has no 'machine' line.")
    String preset;

    @Option(names = "--setup", required = true, paramLabel = "FILE.ios", description = "The scenario script that sets the machine up.")
    Path setup;

    @Option(names = "--sid", required = true, paramLabel = "N", description = "Requester ID / StreamID.")
    String sid;

    @Option(names = "--pasid", paramLabel = "N", description = "PASID / SubstreamID (none when omitted).")
    String pasid;

    @Option(names = "--iova", required = true, paramLabel = "N", description = "The input address.")
    String iova;

    @Option(names = "--access", paramLabel = "read|write|exec", description = "Default: read.")
    String access = "read";

    @Option(names = "--svg", paramLabel = "OUT.svg", description = "Write the walk picture.")
    Path svg;

    @Option(names = "--html", paramLabel = "OUT.html", description = "Write a page with the picture and the step table.")
    Path html;

    @Option(names = "--json", description = "Print the explanation as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TranslationRequest request;
        Iommu iommu;
        try {
            request = new TranslationRequest((int) Numbers.parseUnsigned(sid),
                    pasid == null ? TranslationRequest.NO_PASID : (int) Numbers.parseUnsigned(pasid),
                    Numbers.parseUnsigned(iova), access(access), false, false);
            iommu = machine(err);
        } catch (IllegalArgumentException e) {
            err.println("iommusim explain: " + e.getMessage());
            return 2;
        }
        if (iommu == null) {
            return 2;
        }
        WalkTrace.Recorder recorder = new WalkTrace.Recorder();
        iommu.setWalkTrace(recorder);
        Translation t = iommu.translate(request);
        iommu.setWalkTrace(WalkTrace.NONE);
        Explanation x = new Explanation(vendor, request, t, recorder.references());
        if (json) {
            out.println(JsonText.of(x.json()));
        } else {
            out.print(x.text());
        }
        String svgText = GridSvg.of(x.grid(), x.title(), t instanceof Fault);
        if (svg != null) {
            Files.writeString(svg, svgText, StandardCharsets.UTF_8);
            if (!json) {
                out.println("picture: " + svg);
            }
        }
        if (html != null) {
            Files.writeString(html, x.html(svgText), StandardCharsets.UTF_8);
            if (!json) {
                out.println("page: " + html);
            }
        }
        out.flush();
        return 0;
    }

    private static Access access(String s) {
        return switch (s) {
            case "read" -> Access.READ;
            case "write" -> Access.WRITE;
            case "exec" -> Access.EXEC;
            default -> throw new IllegalArgumentException("--access must be read, write or exec, not '" + s + "'");
        };
    }

    /** Runs the setup (with a 'machine' line made from --vendor/--preset when it has none). */
    private Iommu machine(PrintWriter err) throws IOException {
        String script;
        try {
            script = Files.readString(setup, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + setup + ": " + e.getMessage());
        }
        String first = script.lines().map(l -> l.replaceAll("#.*", "").trim()).filter(l -> !l.isEmpty())
                .findFirst().orElse("");
        if (first.startsWith("machine ")) {
            String kind = first.split("\\s+")[1];
            if (!kind.equals(vendor)) {
                throw new IllegalArgumentException("the setup makes a '" + kind + "' machine, not --vendor " + vendor);
            }
            if (preset != null) {
                throw new IllegalArgumentException("--preset is for a setup without a 'machine' line");
            }
        } else {
            script = "machine " + vendor + (preset == null ? "" : " preset=" + preset) + "\n" + script;
        }
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        ScenarioRunner runner = new ScenarioRunner(ps, ps, ScenarioRunner.Format.TEXT, false);
        int rc = runner.run(setup.toString(), script);
        if (rc != ScenarioRunner.PASSED) {
            err.print(buffer.toString(StandardCharsets.UTF_8));
            err.println("iommusim explain: the setup did not run cleanly (status " + rc + ")");
            return null;
        }
        return runner.machine().orElse(null);
    }

    /** One translation and its trace, as text, JSON and HTML. */
    record Explanation(String vendor, TranslationRequest request, Translation result, List<MemoryReference> refs) {
        WalkGrid grid() {
            return WalkGrid.of(refs, vendor.equals("vtd"));
        }

        String title() {
            return vendor + ": sid " + Numbers.hex(request.sourceId())
                    + (request.pasid() == TranslationRequest.NO_PASID ? "" : " pasid " + request.pasid())
                    + " iova " + Numbers.hex(request.iova()) + " " + request.access().name().toLowerCase();
        }

        String outcome() {
            if (result instanceof TranslationResult r) {
                return "ok pa=" + Numbers.hex(r.outputAddress(request.iova())) + " size=" + Numbers.hex(r.pageSize())
                        + " perm=" + Permissions.toString(r.permissions());
            }
            Fault f = (Fault) result;
            return "fault " + f.name() + " reason=" + Numbers.hex(f.code()) + " stage=" + f.stage()
                    + (f.level() >= 0 ? " level=" + f.level() : "");
        }

        List<String[]> steps() {
            List<String[]> rows = new ArrayList<>();
            for (WalkGrid.Cell c : grid().cells()) {
                MemoryReference r = c.reference();
                long table = r.address() & ~0xFFFL;
                rows.add(new String[] {String.valueOf(c.number()), "stage " + r.stage(), "level " + r.level(),
                        Numbers.hex(table), String.valueOf((r.address() & 0xFFF) / 8), Numbers.hex(r.address()),
                        String.format("0x%016x", r.value()), Numbers.hex(r.value() & 0x000F_FFFF_FFFF_F000L)});
            }
            return rows;
        }

        String text() {
            WalkGrid g = grid();
            StringBuilder sb = new StringBuilder(title()).append('\n');
            sb.append(String.format("  %-3s %-8s %-8s %-16s %-6s %-16s %-18s %s%n", "#", "stage", "level", "table",
                    "index", "entry at", "value", "address bits"));
            for (String[] s : steps()) {
                sb.append(String.format("  %-3s %-8s %-8s %-16s %-6s %-16s %-18s %s%n", (Object[]) s));
            }
            if (refs.isEmpty()) {
                sb.append("  no page-table reference: a cache (the IOTLB) answered\n");
            }
            sb.append("  result: ").append(outcome()).append('\n');
            sb.append(String.format("  %d memory references; a full walk over the levels reached makes %d%n", refs.size(),
                    refs.isEmpty() ? 0 : g.fullWalk()));
            sb.append(grid(g));
            return sb.toString();
        }

        /** The grid as text: numbers in order, '..' for a reference a cache saved. */
        static String grid(WalkGrid g) {
            if (g.cells().isEmpty()) {
                return "";
            }
            StringBuilder sb = new StringBuilder(String.format("%n  %-10s", ""));
            for (int c = 0; c < g.columns(); c++) {
                sb.append(String.format("%-8s", g.columnLabel(c)));
            }
            sb.append('\n');
            for (int r = 0; r < g.rows(); r++) {
                sb.append(String.format("  %-10s", g.rowLabel(r)));
                for (int c = 0; c < g.columns(); c++) {
                    WalkGrid.Cell cell = g.at(c, r);
                    sb.append(String.format("%-8s", !g.inWalk(c, r) ? "" : cell == null ? ".." : cell.number()));
                }
                sb.append('\n');
            }
            return sb.toString();
        }

        Map<String, Object> json() {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("vendor", vendor);
            j.put("sid", request.sourceId());
            j.put("pasid", request.pasid() == TranslationRequest.NO_PASID ? "none" : request.pasid());
            j.put("iova", Numbers.hex(request.iova()));
            j.put("access", request.access().name().toLowerCase());
            j.put("ok", result instanceof TranslationResult);
            j.put("result", outcome());
            List<Object> list = new ArrayList<>();
            for (WalkGrid.Cell c : grid().cells()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("n", c.number());
                m.put("stage", c.reference().stage());
                m.put("level", c.reference().level());
                m.put("address", Numbers.hex(c.reference().address()));
                m.put("value", Numbers.hex(c.reference().value()));
                m.put("column", c.column());
                m.put("row", c.row());
                list.add(m);
            }
            j.put("references", list);
            j.put("fullWalk", refs.isEmpty() ? 0 : grid().fullWalk());
            return j;
        }

        String html(String svgText) {
            StringBuilder rows = new StringBuilder();
            for (String[] s : steps()) {
                rows.append("<tr>");
                for (String cell : s) {
                    rows.append("<td>").append(GridSvg.escape(cell)).append("</td>");
                }
                rows.append("</tr>\n");
            }
            return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + GridSvg.escape(title())
                    + "</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                    + "td,th{border:1px solid #aaa;padding:2px 8px;font-family:monospace}</style></head><body>\n"
                    + "<h1>" + GridSvg.escape(title()) + "</h1>\n<p>Result: <b>" + GridSvg.escape(outcome())
                    + "</b></p>\n" + svgText + "<table>\n<tr><th>#</th><th>stage</th><th>level</th><th>table</th>"
                    + "<th>index</th><th>entry at</th><th>value</th><th>address bits</th></tr>\n" + rows
                    + "</table>\n</body></html>\n";
        }
    }
}
