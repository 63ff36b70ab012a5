package org.iommusim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code iommusim explain} on the VT-d nested setup of docs/examples: the picture holds the numbered
 * references of the model's own trace (24 for a cold 4-over-4 walk with the paging-structure caches off,
 * fewer with them on, none on an IOTLB hit), parsed as XML; the HTML page embeds it.
 */
class ExplainCommandTest {
    @TempDir
    Path dir;

    Path setup(String machineLine, String extra) throws Exception {
        String text = Files.readString(Path.of("..", "docs", "examples", "vtd-nested-setup.ios"))
                .replace("machine vtd\n", machineLine + "\n") + extra;
        Path p = dir.resolve("setup.ios");
        Files.writeString(p, text);
        return p;
    }

    static String[] run(int status, String... args) {
        return Cli.run(status, args);
    }

    /** The numbers drawn in the picture's reference squares, and the count of shaded (cache) squares. */
    static List<Integer> numbers(Path svg, String cls) throws Exception {
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(Files.readAllBytes(svg)));
        List<Integer> n = new ArrayList<>();
        NodeList rects = d.getElementsByTagName("rect");
        for (int i = 0; i < rects.getLength(); i++) {
            Element e = (Element) rects.item(i);
            if (e.getAttribute("class").equals(cls)) {
                n.add(cls.equals("ref") ? Integer.parseInt(e.getAttribute("data-n")) : 0);
            }
        }
        return n;
    }

    String[] explain(Path setup, String iova, Path svg, Path html, String... more) {
        List<String> args = new ArrayList<>(List.of("explain", "--vendor", "vtd", "--setup", setup.toString(),
                "--sid", "8", "--pasid", "5", "--iova", iova, "--svg", svg.toString(), "--html", html.toString()));
        args.addAll(List.of(more));
        return run(0, args.toArray(String[]::new));
    }

    @Test
    void aColdNestedWalkMakesTwentyFourReferences() throws Exception {
        Path svg = dir.resolve("w.svg");
        Path html = dir.resolve("w.html");
        String[] r = explain(setup("machine vtd ss_psc=0 fs_psc=0", ""), "0x70001234", svg, html);
        assertTrue(r[0].contains("result: ok pa=0x8000234"), r[0]);
        assertTrue(r[0].contains("24 memory references; a full walk over the levels reached makes 24"), r[0]);
        List<Integer> refs = numbers(svg, "ref");
        assertEquals(24, refs.size());
        for (int i = 0; i < 24; i++) {
            assertEquals(i + 1, refs.contains(i + 1) ? i + 1 : -1, "reference " + (i + 1) + " is drawn");
        }
        assertEquals(0, numbers(svg, "saved").size());
        String page = Files.readString(html, StandardCharsets.UTF_8);
        assertTrue(page.contains(Files.readString(svg, StandardCharsets.UTF_8)), "the page embeds the picture");
        assertEquals(24, page.split("<tr><td>").length - 1, "a step-table row per reference");
    }

    @Test
    void cachesSaveReferencesAndTheyAreShaded() throws Exception {
        Path svg = dir.resolve("w.svg");
        String[] warmWalk = explain(setup("machine vtd", ""), "0x70001234", svg, dir.resolve("w.html"));
        int made = numbers(svg, "ref").size();
        int saved = numbers(svg, "saved").size();
        assertTrue(made < 24, "the second-stage paging-structure cache answers repeated upper levels: " + warmWalk[0]);
        assertEquals(24, made + saved, "every cell of the full walk is a reference or a saved one");
        explain(setup("machine vtd", "translate sid=8 pasid=5 iova=0x70001234 access=read\n"), "0x70001234", svg,
                dir.resolve("w.html"));
        assertEquals(0, numbers(svg, "ref").size(), "an IOTLB hit reads no table");
    }

    @Test
    void aFaultIsMarked() throws Exception {
        Path svg = dir.resolve("f.svg");
        String[] r = explain(setup("machine vtd ss_psc=0 fs_psc=0", ""), "0x70003000", svg, dir.resolve("f.html"));
        assertTrue(r[0].contains("result: fault") && r[0].contains("stage=2"), r[0]);
        assertTrue(Files.readString(svg).contains("stroke=\"#d00000\""), "the faulting reference is outlined");
    }

    @Test
    void jsonAndBadUsage() throws Exception {
        Path s = setup("machine vtd ss_psc=0 fs_psc=0", "");
        String out = run(0, "explain", "--vendor", "vtd", "--setup", s.toString(), "--sid", "8", "--pasid", "5",
                "--iova", "0x70001234", "--json")[0];
        assertTrue(out.startsWith("{\"vendor\":\"vtd\""), out);
        assertEquals(24, out.split("\"n\":").length - 1);
        assertTrue(out.contains("\"fullWalk\":24"), out);
        run(2, "explain", "--vendor", "smmuv3", "--setup", s.toString(), "--sid", "8", "--iova", "0");
        run(2, "explain", "--vendor", "vtd", "--setup", dir.resolve("missing.ios").toString(), "--sid", "8", "--iova", "0");
        run(2, "explain", "--vendor", "vtd", "--setup", s.toString(), "--sid", "8", "--iova", "0", "--access", "fly");
        run(2, "explain", "--vendor", "vtd", "--setup", s.toString());
    }
}
