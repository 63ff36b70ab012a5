package org.iommusim.cli;

/**
 * Draws a {@link WalkGrid} as SVG: one square per memory reference of the full walk, numbered in the
 * order the hardware made it; squares the trace does not hold (a cache answered) shaded; the reference
 * a fault stopped at outlined in red.
 */
final class GridSvg {
    private static final int CELL = 64;
    private static final int LEFT = 90;
    private static final int TOP = 50;

    private GridSvg() {
    }

    static String of(WalkGrid g, String title, boolean faulted) {
        int w = LEFT + g.columns() * CELL + 20;
        int h = TOP + g.rows() * CELL + 60;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">%n", w, h, w, h));
        sb.append(String.format("<title>%s</title>%n", escape(title)));
        sb.append(String.format("<text x=\"10\" y=\"20\" font-size=\"14\">%s</text>%n", escape(title)));
        for (int c = 0; c < g.columns(); c++) {
            sb.append(String.format("<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>%n",
                    LEFT + c * CELL + CELL / 2, TOP - 8, g.columnLabel(c)));
        }
        WalkGrid.Cell lastCell = g.cells().isEmpty() ? null : g.cells().get(g.cells().size() - 1);
        int last = lastCell == null ? 0 : lastCell.number();
        int lastOrder = lastCell == null ? -1 : lastCell.column() * g.rows() + lastCell.row();
        int saved = 0;
        for (int r = 0; r < g.rows(); r++) {
            sb.append(String.format("<text x=\"10\" y=\"%d\" font-size=\"12\">%s</text>%n",
                    TOP + r * CELL + CELL / 2 + 4, g.rowLabel(r)));
            for (int c = 0; c < g.columns(); c++) {
                if (!g.inWalk(c, r)) {
                    continue;
                }
                int x = LEFT + c * CELL;
                int y = TOP + r * CELL;
                WalkGrid.Cell cell = g.at(c, r);
                if (cell == null && faulted && c * g.rows() + r > lastOrder) {
                    sb.append(String.format("<rect class=\"unreached\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                            + "fill=\"none\" stroke=\"#b0b0b0\" stroke-dasharray=\"4 3\"/>%n", x + 2, y + 2, CELL - 4, CELL - 4));
                    continue;
                }
                if (cell == null) {
                    saved++;
                    sb.append(String.format("<rect class=\"saved\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                            + "fill=\"#d0d0d0\" stroke=\"#808080\"/>%n", x + 2, y + 2, CELL - 4, CELL - 4));
                    sb.append(String.format("<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\" "
                            + "fill=\"#606060\">cache</text>%n", x + CELL / 2, y + CELL / 2 + 4));
                    continue;
                }
                boolean fault = faulted && cell.number() == last;
                String fill = cell.reference().stage() == 1 ? "#cfe3ff" : "#dff5d8";
                sb.append(String.format("<rect class=\"ref\" data-n=\"%d\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                        + "fill=\"%s\" stroke=\"%s\" stroke-width=\"%d\"/>%n", cell.number(), x + 2, y + 2, CELL - 4,
                        CELL - 4, fill, fault ? "#d00000" : "#404040", fault ? 3 : 1));
                sb.append(String.format("<text class=\"n\" x=\"%d\" y=\"%d\" font-size=\"18\" text-anchor=\"middle\">%d"
                        + "</text>%n", x + CELL / 2, y + CELL / 2 + 6, cell.number()));
            }
        }
        sb.append(String.format("<text x=\"10\" y=\"%d\" font-size=\"12\">%d memory references made, %d saved by caches"
                + "%s</text>%n", h - 20, g.cells().size(), saved, faulted ? "; the walk faulted at the red one" : ""));
        return sb.append("</svg>\n").toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
