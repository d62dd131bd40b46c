package io.ringlb.analysis;

import java.util.List;

/**
 * The median of a few rounds' values and how far they range: one round alone can be 20 % off
 * the next on a small shared machine, so a figure is shown with its range.
 *
 * @param median the middle value, or the mean of the two middle ones
 * @param min the lowest value
 * @param max the highest value
 * @param count how many values
 */
record Spread(double median, double min, double max, int count) {

  Spread {
    if (count < 1 || min > median || median > max) {
      throw new IllegalArgumentException("not a spread: median " + median + ", range " + min + " to " + max + ", " + count + " values");
    }
  }

  static Spread of(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("a spread needs at least one value");
    }
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    return new Spread(median, sorted.getFirst(), sorted.getLast(), n);
  }

  /** The median and the range, e.g. {@code 0.47 (0.42–0.51)}, each number in {@code format}. */
  String format(String format) {
    return String.format(format + " (" + format + "–" + format + ")", median, min, max);
  }

  /** The range alone, e.g. {@code 0.42–0.51}. */
  String range(String format) {
    return String.format(format + "–" + format, min, max);
  }
}
