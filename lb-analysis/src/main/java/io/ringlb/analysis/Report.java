package io.ringlb.analysis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** A Markdown report with its charts and the raw numbers as CSV, all in one folder. */
final class Report {

  private final Path folder;
  private final StringBuilder markdown = new StringBuilder();

  Report(Path folder, String title, String introduction) {
    this.folder = folder;
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + folder, e);
    }
    markdown.append("# ").append(title).append("\n\n").append(introduction).append("\n\n");
  }

  Path folder() {
    return folder;
  }

  Report section(String heading, String explanation) {
    markdown.append("## ").append(heading).append("\n\n").append(explanation).append("\n\n");
    return this;
  }

  /** The chart, as written by {@link Charts#save}, shown by its PNG and linked to its SVG. */
  Report chart(String name, String description) {
    markdown.append("![").append(description).append("](").append(name).append(".png)\n")
        .append("([SVG](").append(name).append(".svg))\n\n");
    return this;
  }

  /** A table in the report, and the same rows in {@code <name>.csv}. */
  Report table(String name, List<String> header, List<List<String>> rows) {
    markdown.append(markdownTable(header, rows)).append("\n").append("Raw numbers: [").append(name).append(".csv](").append(name).append(".csv)\n\n");
    write(name + ".csv", csv(header, rows));
    return this;
  }

  Path write() {
    return write("report.md", markdown.toString());
  }

  static String markdownTable(List<String> header, List<List<String>> rows) {
    StringBuilder table = new StringBuilder();
    table.append("| ").append(String.join(" | ", header)).append(" |\n");
    table.append("|").append("---|".repeat(header.size())).append("\n");
    for (List<String> row : rows) {
      table.append("| ").append(row.stream().map(cell -> cell.replace("|", "\\|")).collect(Collectors.joining(" | "))).append(" |\n");
    }
    return table.toString();
  }

  /** RFC 4180: a cell with a comma, a quote or a line break is quoted, its quotes doubled. */
  static String csv(List<String> header, List<List<String>> rows) {
    StringBuilder csv = new StringBuilder(csvLine(header));
    rows.forEach(row -> csv.append(csvLine(row)));
    return csv.toString();
  }

  private static String csvLine(List<String> cells) {
    return cells.stream()
        .map(cell -> cell.contains(",") || cell.contains("\"") || cell.contains("\n") ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell)
        .collect(Collectors.joining(",")) + "\n";
  }

  private Path write(String name, String content) {
    try {
      return Files.writeString(folder.resolve(name), content);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + name + " in " + folder, e);
    }
  }
}
