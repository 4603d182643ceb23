package dev.gatehouse.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain text table: a header line and rows, columns padded to their widest cell, two spaces apart. */
final class Table {

    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    /** A table whose first line names the columns. */
    Table(String... headers) {
        this.columns = headers.length;
        rows.add(headers);
    }

    private Table(int columns) {
        this.columns = columns;
    }

    /** A table of {@code columns} columns without a header line. */
    static Table withoutHeader(int columns) {
        return new Table(columns);
    }

    /** Adds a row; null cells print as empty. */
    Table row(Object... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("cells: " + cells.length + " (expected: " + columns + ")");
        }
        rows.add(Arrays.stream(cells).map(c -> c == null ? "" : c.toString()).toArray(String[]::new));
        return this;
    }

    /** Prints every line with {@code indent} first; the last column is not padded. */
    void print(PrintWriter out, String indent) {
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder sb = new StringBuilder(indent);
            for (int i = 0; i < columns; i++) {
                sb.append(row[i]);
                if (i < columns - 1) {
                    sb.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}
