package org.iommusim.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.iommusim.core.walk.MemoryReference;

/**
 * The two-dimensional walk of one translation, from the model's own trace: stage-1 levels across (and a
 * last column for the output address), stage-2 levels down (and a last row for the stage-1 entry).
 * Each memory reference the hardware made gets the cell of the stage-1 step it served, numbered in the
 * order it was made; a cell the full walk needs but the trace does not hold was answered by a cache (or
 * never reached, after a fault). A one-stage walk is one row.
 *
 * @param stage1Levels the stage-1 levels, in walk order (columns before the output column)
 * @param stage2Levels the stage-2 levels, in walk order (rows before the stage-1 row)
 * @param cells        one per reference, in order
 */
record WalkGrid(List<Integer> stage1Levels, List<Integer> stage2Levels, List<Cell> cells, boolean nested) {
    /** One reference in its cell: column (stage-1 step, or the output column), row (stage-2 level, or stage 1). */
    record Cell(int number, MemoryReference reference, int column, int row) {
    }

    /**
     * Lays the references out. {@code descending}: the format numbers its root level highest (VT-d: 4
     * down to 1), otherwise lowest (VMSAv8-64: 0 up to 3).
     */
    static WalkGrid of(List<MemoryReference> refs, boolean descending) {
        TreeSet<Integer> s1 = new TreeSet<>();
        TreeSet<Integer> s2 = new TreeSet<>();
        for (MemoryReference r : refs) {
            (r.stage() == 1 ? s1 : s2).add(r.level());
        }
        List<Integer> l1 = new ArrayList<>(descending ? s1.descendingSet() : s1);
        List<Integer> l2 = new ArrayList<>(descending ? s2.descendingSet() : s2);
        boolean nested = !l1.isEmpty() && !l2.isEmpty();
        List<Cell> cells = new ArrayList<>();
        int n = 0;
        for (MemoryReference r : refs) {
            n++;
            if (!nested) {
                List<Integer> levels = r.stage() == 1 ? l1 : l2;
                cells.add(new Cell(n, r, levels.indexOf(r.level()), 0));
            } else if (r.stage() == 2) {
                // A stage-2 reference serves the next stage-1 read (or, after the last, the output).
                int column = l1.size();
                for (int i = n; i < refs.size(); i++) {
                    if (refs.get(i).stage() == 1) {
                        column = l1.indexOf(refs.get(i).level());
                        break;
                    }
                }
                cells.add(new Cell(n, r, column, l2.indexOf(r.level())));
            } else {
                cells.add(new Cell(n, r, l1.indexOf(r.level()), l2.size()));
            }
        }
        return new WalkGrid(l1, l2, cells, nested);
    }

    int columns() {
        return nested ? stage1Levels.size() + 1 : Math.max(stage1Levels.size(), stage2Levels.size());
    }

    int rows() {
        return nested ? stage2Levels.size() + 1 : 1;
    }

    /** Cells a walk of this shape makes in full: (n+1)(m+1)-1 nested, n for one stage. */
    int fullWalk() {
        return nested ? columns() * rows() - 1 : columns();
    }

    /** True when the full walk has a reference in (column, row): every cell but the output's stage-1 row. */
    boolean inWalk(int column, int row) {
        return !nested || !(column == stage1Levels.size() && row == stage2Levels.size());
    }

    Cell at(int column, int row) {
        for (Cell c : cells) {
            if (c.column() == column && c.row() == row) {
                return c;
            }
        }
        return null;
    }

    String columnLabel(int column) {
        if (nested) {
            return column < stage1Levels.size() ? "S1 L" + stage1Levels.get(column) : "output";
        }
        List<Integer> levels = stage1Levels.isEmpty() ? stage2Levels : stage1Levels;
        return (stage1Levels.isEmpty() ? "S2 L" : "S1 L") + levels.get(column);
    }

    String rowLabel(int row) {
        if (!nested) {
            return stage1Levels.isEmpty() ? "stage 2" : "stage 1";
        }
        return row < stage2Levels.size() ? "S2 L" + stage2Levels.get(row) : "S1 entry";
    }
}
