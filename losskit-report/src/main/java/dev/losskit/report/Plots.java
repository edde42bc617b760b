package dev.losskit.report;

import dev.losskit.Loss;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Trait;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Rectangle2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.graphics2d.svg.SVGGraphics2D;

/**
 * The picture of a loss: its value and its gradient along its natural input ({@link Sweep}) for the
 * default parameters and a few others, drawn by JFreeChart as SVG (for the report) or PNG.
 */
public final class Plots {
  /** Width and height of a plot, in pixels. */
  public static final int WIDTH = 720;

  public static final int HEIGHT = 560;

  private static final Color[] COLORS = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd)
  };

  static {
    // Charts are drawn off-screen; never ask for a display.
    System.setProperty("java.awt.headless", "true");
  }

  private Plots() {}

  /** The curves of the default parameters and of the variants of {@link Sweep#variants}. */
  public static List<Sweep.Curve> curves(LossSpec spec) {
    return curves(spec, Sweep.variants(spec));
  }

  /**
   * The curves of each parameter set, all along the path chosen for the first.
   *
   * @throws IllegalArgumentException if the loss cannot be plotted with the first parameters
   */
  public static List<Sweep.Curve> curves(LossSpec spec, List<Params> paramSets) {
    Sweep sweep = Sweep.of(spec, paramSets.get(0));
    ParamSpec varied = Sweep.shapeParameter(spec);
    List<Sweep.Curve> out = new ArrayList<>();
    for (int i = 0; i < paramSets.size(); i++) {
      Params p = paramSets.get(i);
      Loss loss = Sweep.create(spec, p);
      out.add(sweep.curve(loss, name(spec, p, varied, i == 0 && paramSets.size() > 1)));
    }
    return out;
  }

  private static String name(LossSpec spec, Params p, ParamSpec varied, boolean isDefault) {
    Map<String, String> text = p.asText();
    if (varied != null) {
      return varied.name() + " = " + text.get(varied.name()) + (isDefault ? " (default)" : "");
    }
    StringBuilder b = new StringBuilder();
    text.forEach(
        (k, v) -> {
          if (v != null) {
            b.append(b.length() == 0 ? "" : ", ").append(k).append(" = ").append(v);
          }
        });
    return b.length() == 0 ? spec.id() : b.toString();
  }

  /** The chart: value above, gradient along the path below (value only for losses without one). */
  public static JFreeChart chart(LossSpec spec, List<Params> paramSets) {
    Sweep sweep = Sweep.of(spec, paramSets.get(0));
    List<Sweep.Curve> curves = curves(spec, paramSets);
    NumberAxis x = new NumberAxis(sweep.label());
    x.setAutoRangeIncludesZero(false);
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(x);
    plot.setGap(12);
    plot.add(subplot(curves, "loss", false), 1);
    if (!spec.has(Trait.NOT_DIFFERENTIABLE)) {
      plot.add(subplot(curves, "d loss / d x along the path", true), 1);
    }
    JFreeChart chart = new JFreeChart(spec.name() + " (" + spec.id() + ")", null, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    return chart;
  }

  private static XYPlot subplot(List<Sweep.Curve> curves, String label, boolean slope) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Sweep.Curve c : curves) {
      // Series keys must be unique; the gradient panel's series share the value panel's legend.
      XYSeries s = new XYSeries(slope ? c.name() + " " : c.name(), false, true);
      double[] y = slope ? c.slope() : c.value();
      for (int i = 0; i < c.x().length; i++) {
        s.add(c.x()[i], Double.isFinite(y[i]) ? y[i] : Double.NaN);
      }
      data.addSeries(s);
    }
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < curves.size(); i++) {
      r.setSeriesPaint(i, COLORS[i % COLORS.length]);
      r.setSeriesStroke(i, new BasicStroke(i == 0 ? 2.5f : 1.5f));
      r.setSeriesVisibleInLegend(i, !slope);
    }
    NumberAxis y = new NumberAxis(label);
    y.setAutoRangeIncludesZero(false);
    XYPlot p = new XYPlot(data, null, y, r);
    p.setBackgroundPaint(Color.WHITE);
    p.setDomainGridlinePaint(Color.LIGHT_GRAY);
    p.setRangeGridlinePaint(Color.LIGHT_GRAY);
    return p;
  }

  /** The chart as an SVG element; {@code idPrefix} keeps definitions apart when inlined in HTML. */
  public static String svg(JFreeChart chart, String idPrefix) {
    SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
    g.setDefsKeyPrefix(idPrefix);
    chart.draw(g, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
    return g.getSVGElement(idPrefix + "chart");
  }

  /** A standalone SVG document. */
  public static String svgDocument(JFreeChart chart) {
    SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
    chart.draw(g, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
    return g.getSVGDocument();
  }

  /** The chart as PNG bytes. */
  public static byte[] png(JFreeChart chart) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
    return out.toByteArray();
  }
}
