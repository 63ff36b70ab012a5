package org.iommusim.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A replay's or a sweep's numbers as a text table, and as an HTML page with SVG line charts. */
final class SweepReport {
    private SweepReport() {
    }

    static String table(List<Map<String, Object>> rows) {
        List<String> keys = new ArrayList<>(rows.get(0).keySet());
        StringBuilder sb = new StringBuilder();
        for (String k : keys) {
            sb.append(String.format("%-" + Math.max(12, k.length() + 2) + "s", k));
        }
        sb.append('\n');
        for (Map<String, Object> r : rows) {
            for (String k : keys) {
                sb.append(String.format("%-" + Math.max(12, k.length() + 2) + "s", r.get(k)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** A line chart of {@code y} against the swept parameter. */
    static String chart(String parameter, String y, List<Map<String, Object>> rows) {
        int w = 480;
        int h = 260;
        int left = 60;
        int bottom = 40;
        double max = 0;
        for (Map<String, Object> r : rows) {
            max = Math.max(max, ((Number) r.get(y)).doubleValue());
        }
        max = max == 0 ? 1 : max * 1.1;
        StringBuilder sb = new StringBuilder(String.format("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" "
                + "width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">%n", w, h));
        sb.append(String.format("<text x=\"%d\" y=\"14\" font-size=\"13\">%s against %s</text>%n", left,
                GridSvg.escape(y), GridSvg.escape(parameter)));
        sb.append(String.format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>%n", left, h - bottom,
                w - 10, h - bottom));
        sb.append(String.format("<line x1=\"%d\" y1=\"24\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>%n", left, left, h - bottom));
        sb.append(String.format("<text x=\"4\" y=\"30\">%.3g</text><text x=\"4\" y=\"%d\">0</text>%n", max, h - bottom));
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            double x = left + (rows.size() == 1 ? 0.5 : (double) i / (rows.size() - 1)) * (w - left - 30);
            double v = ((Number) rows.get(i).get(y)).doubleValue();
            double yy = h - bottom - v / max * (h - bottom - 24);
            points.append(String.format("%.1f,%.1f ", x, yy));
            sb.append(String.format("<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" data-x=\"%s\" data-y=\"%s\"/>%n",
                    x, yy, rows.get(i).get(parameter), v));
            sb.append(String.format("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, h - bottom + 16,
                    rows.get(i).get(parameter)));
        }
        sb.append(String.format("<polyline points=\"%s\" fill=\"none\" stroke=\"#2060c0\" stroke-width=\"2\"/>%n",
                points.toString().trim()));
        return sb.append("</svg>\n").toString();
    }

    static String html(String trace, String parameter, List<Map<String, Object>> rows) {
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>iommusim replay of ")
                .append(GridSvg.escape(trace)).append("</title>\n<style>body{font-family:sans-serif;margin:2em}"
                        + "pre{background:#f4f4f4;padding:1em}</style></head><body>\n<h1>Replay of ")
                .append(GridSvg.escape(trace)).append("</h1>\n");
        if (parameter != null) {
            for (String y : rows.get(0).keySet()) {
                if (y.endsWith(".hitRate") && (y.startsWith("iotlb") || y.startsWith("tlb"))
                        || y.equals("walkReferencesPerTranslation")) {
                    sb.append(chart(parameter, y, rows));
                }
            }
        }
        return sb.append("<pre>").append(GridSvg.escape(table(rows))).append("</pre>\n</body></html>\n").toString();
    }
}
