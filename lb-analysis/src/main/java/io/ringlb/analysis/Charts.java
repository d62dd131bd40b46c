package io.ringlb.analysis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/** Charts drawn with XChart and written as PNG and SVG side by side. */
final class Charts {

  private static final int WIDTH = 900;
  private static final int HEIGHT = 520;

  private Charts() {}

  /** One bar per category, one colour per series. */
  static CategoryChart bars(String title, String xTitle, String yTitle, List<String> categories, Map<String, List<? extends Number>> series) {
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE).setLegendVisible(series.size() > 1).setChartBackgroundColor(java.awt.Color.WHITE);
    series.forEach((name, values) -> chart.addSeries(name, categories, values));
    return chart;
  }

  /** One line per series over a shared x axis. */
  static XYChart lines(String title, String xTitle, String yTitle, List<? extends Number> xs, Map<String, List<? extends Number>> series) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE).setChartBackgroundColor(java.awt.Color.WHITE);
    series.forEach((name, values) -> chart.addSeries(name, xs, values));
    return chart;
  }

  /** Writes {@code <name>.png} and {@code <name>.svg} into {@code folder}. */
  static void save(Chart<?, ?> chart, Path folder, String name) {
    try {
      BitmapEncoder.saveBitmap(chart, folder.resolve(name + ".png").toString(), BitmapEncoder.BitmapFormat.PNG);
      VectorGraphicsEncoder.saveVectorGraphic(chart, folder.resolve(name + ".svg").toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write chart " + name + " in " + folder, e);
    }
  }
}
