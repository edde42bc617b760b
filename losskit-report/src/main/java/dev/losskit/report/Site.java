package dev.losskit.report;

import dev.losskit.Catalog;
import dev.losskit.Family;
import dev.losskit.InputSpec;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Task;
import dev.losskit.Trait;
import dev.losskit.guide.Condition;
import dev.losskit.guide.Guide;
import dev.losskit.guide.Ranking;
import dev.losskit.guide.Recommendation;
import dev.losskit.guide.Situation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Writes the browsable review: a static site that works offline, with an index of every catalogue
 * loss by family and by task and one page per loss. Everything on a page comes from the loss's
 * {@link LossSpec}, from evaluating the loss, or from the committed {@link Measurements}.
 *
 * <p>The site is written to a temporary folder beside the target and moved into place only when
 * complete, so that an error never leaves a half-written site.
 */
public final class Site {
  /** The MathJax release copied into the site; the WebJar dependency of this module. */
  static final String MATHJAX = "3.2.2";

  /** The MathJax files the pages load: the loader, AsciiMath input and SVG output. */
  static final List<String> MATHJAX_FILES =
      List.of(
          "es5/startup.js",
          "es5/core.js",
          "es5/input/asciimath.js",
          "es5/output/svg.js",
          "es5/output/svg/fonts/tex.js");

  /** A file in every site this writes; a non-empty folder without it is never replaced. */
  static final String MARKER = ".losskit-report";

  private final Catalog catalog;
  private final Measurements measurements;

  /** Per loss id, where the guide ranks it among the first three (HTML list items). */
  private final Map<String, List<String>> recommended;

  public Site(Catalog catalog, Measurements measurements) {
    this.catalog = catalog;
    this.measurements = measurements;
    this.recommended = recommendations();
  }

  private static Map<String, List<String>> recommendations() {
    Map<String, List<String>> out = new HashMap<>();
    Guide guide = Guide.builtin();
    for (Task task : Task.values()) {
      List<Recommendation> base = guide.rank(Situation.of(task)).recommendations();
      place(out, task, null, base);
      for (Condition c : Condition.values()) {
        Ranking r = guide.rank(Situation.of(task, c));
        // A condition the guide has nothing to say about for this task repeats the base ranking.
        if (!r.recommendations().equals(base)) {
          place(out, task, c, r.recommendations());
        }
      }
    }
    return out;
  }

  private static void place(
      Map<String, List<String>> out, Task task, Condition c, List<Recommendation> ranked) {
    for (Recommendation r : ranked.subList(0, Math.min(3, ranked.size()))) {
      String situation = task.id() + (c == null ? "" : ", " + c.description());
      String command = "losskit guide --task " + task.id() + (c == null ? "" : " " + c.option());
      out.computeIfAbsent(r.id(), k -> new ArrayList<>())
          .add(
              "<li>"
                  + esc(situation)
                  + ": rank "
                  + r.rank()
                  + " (<code>"
                  + esc(command)
                  + "</code>)</li>\n");
    }
  }

  /**
   * Writes the site into {@code out}, replacing an earlier report there.
   *
   * @throws IllegalArgumentException if {@code out} is a file, or a non-empty folder that is not a
   *     report written by this class
   */
  public void write(Path out) throws IOException {
    Path target = out.toAbsolutePath().normalize();
    if (Files.exists(target)) {
      if (!Files.isDirectory(target)) {
        throw new IllegalArgumentException("--out: expected a folder, found the file " + out);
      }
      boolean empty;
      try (Stream<Path> s = Files.list(target)) {
        empty = s.findAny().isEmpty();
      }
      if (!empty && !Files.exists(target.resolve(MARKER))) {
        throw new IllegalArgumentException(
            "--out: expected a new or empty folder or an earlier report, found the folder "
                + out
                + " with other files in it");
      }
    }
    Path parent = target.getParent();
    Files.createDirectories(parent);
    // Created with the user's default permissions (a temporary folder's would be private).
    Path tmp = Files.createDirectory(parent.resolve(".report-" + System.nanoTime()));
    try {
      writeInto(tmp);
      if (Files.exists(target)) {
        Path old = parent.resolve(".report-old-" + System.nanoTime());
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
      } else {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      }
    } finally {
      if (Files.exists(tmp)) {
        deleteTree(tmp);
      }
    }
  }

  private void writeInto(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("losses"));
    Files.writeString(dir.resolve(MARKER), "written by losskit report\n");
    copyMathJax(dir.resolve("mathjax"));
    Files.writeString(dir.resolve("style.css"), resource("style.css"));
    Files.writeString(dir.resolve("index.html"), index());
    for (LossSpec s : catalog.specs()) {
      Files.writeString(dir.resolve("losses/" + s.id() + ".html"), page(s));
      for (String a : s.aliases()) {
        Files.writeString(dir.resolve("losses/" + a + ".html"), alias(a, s));
      }
    }
  }

  private static void copyMathJax(Path dir) throws IOException {
    for (String f : MATHJAX_FILES) {
      String name = "/META-INF/resources/webjars/mathjax/" + MATHJAX + "/" + f;
      try (InputStream in = Site.class.getResourceAsStream(name)) {
        if (in == null) {
          throw new IllegalStateException(
              "MathJax " + MATHJAX + ": " + f + " is not on the class path");
        }
        Path p = dir.resolve(f);
        Files.createDirectories(p.getParent());
        Files.copy(in, p);
      }
    }
  }

  // ---- index ---------------------------------------------------------------------------------

  String index() {
    StringBuilder b = new StringBuilder();
    head(b, "losskit: the loss functions of deep learning", "");
    b.append("<header><h1>losskit: the loss functions of deep learning</h1>\n<p>")
        .append(catalog.specs().size())
        .append(
            " losses of the review <em>Loss Functions in Deep Learning: A Comprehensive Review</em>"
                + " (Elharrouss et al., 2025), each with its formula and gradient, plots of both"
                + " computed by the library, its PyTorch equivalent, Java and command-line use, and"
                + " the project's measurements. Browse by family or by task.</p>\n")
        .append("<nav><a href=\"#families\">By family</a> · <a href=\"#tasks\">By task</a>")
        .append(
            measurements.experiments().isEmpty()
                ? ""
                : " · <a href=\"#experiments\">Experiments</a>")
        .append("</nav></header>\n<main>\n");
    b.append("<h2 id=\"families\">By family</h2>\n");
    for (Family f : Family.values()) {
      List<LossSpec> specs = catalog.specs(f);
      if (specs.isEmpty()) {
        continue;
      }
      b.append("<h3 id=\"family-")
          .append(f.id())
          .append("\">")
          .append(esc(f.title()))
          .append("</h3>\n");
      b.append("<table class=\"losses\"><thead><tr><th>id</th><th>name</th><th>summary</th>")
          .append("<th>tasks</th></tr></thead><tbody>\n");
      for (LossSpec s : specs) {
        b.append("<tr><td>")
            .append(link(s.id(), "losses/"))
            .append(
                s.has(Trait.HESSIAN)
                    ? " <span class=\"h\" title=\"gives the Hessian\">H</span>"
                    : "")
            .append("</td><td>")
            .append(esc(s.name()))
            .append("</td><td>")
            .append(esc(s.summary()))
            .append("</td><td>")
            .append(taskLinks(s, ""))
            .append("</td></tr>\n");
      }
      b.append("</tbody></table>\n");
    }
    b.append("<h2 id=\"tasks\">By task</h2>\n<dl class=\"tasks\">\n");
    for (Task t : Task.values()) {
      b.append("<dt id=\"task-")
          .append(t.id())
          .append("\">")
          .append(esc(t.title()))
          .append("</dt><dd>");
      List<String> links = new ArrayList<>();
      for (LossSpec s : catalog.specs()) {
        if (s.tasks().contains(t)) {
          links.add(link(s.id(), "losses/"));
        }
      }
      b.append(String.join(", ", links)).append("</dd>\n");
    }
    b.append("</dl>\n");
    if (!measurements.experiments().isEmpty()) {
      b.append("<h2 id=\"experiments\">Experiments</h2>\n<ul>\n");
      for (Measurements.Experiment e : measurements.experiments()) {
        List<String> links = new ArrayList<>();
        for (String c : e.columns()) {
          links.add(catalog.find(c).isPresent() ? link(c, "losses/") : esc(c));
        }
        b.append("<li><code>")
            .append(esc(e.command()))
            .append("</code>: ")
            .append(String.join(", ", links))
            .append("</li>\n");
      }
      b.append("</ul>\n");
    }
    b.append("</main>\n");
    foot(b);
    return b.toString();
  }

  // ---- one loss ------------------------------------------------------------------------------

  String page(LossSpec s) throws IOException {
    StringBuilder b = new StringBuilder();
    head(b, s.name() + " (" + s.id() + "): losskit", "../");
    b.append("<header><nav><a href=\"../index.html\">losskit</a> › <a href=\"../index.html#family-")
        .append(s.family().id())
        .append("\">")
        .append(esc(s.family().title()))
        .append("</a></nav>\n");
    b.append("<h1>")
        .append(esc(s.name()))
        .append(" <code>")
        .append(esc(s.id()))
        .append("</code></h1>\n");
    if (!s.aliases().isEmpty()) {
      b.append("<p class=\"aliases\">Also: ");
      List<String> as = new ArrayList<>();
      s.aliases().forEach(a -> as.add("<code>" + esc(a) + "</code>"));
      b.append(String.join(", ", as)).append("</p>\n");
    }
    b.append("<p class=\"tasks\">Tasks: ").append(taskLinks(s, "../")).append("</p>\n");
    b.append("<p class=\"summary\">").append(esc(s.summary())).append("</p></header>\n<main>\n");

    b.append("<h2>Formula</h2>\n");
    math(b, s.formula());
    b.append("<h2>Gradient</h2>\n");
    math(b, s.gradient());

    b.append("<h2>Value and gradient</h2>\n");
    plot(b, s);

    b.append("<h2>Inputs</h2>\n<table><thead><tr><th>name</th><th>shape</th><th>values</th>")
        .append("<th>gradient</th><th>what</th></tr></thead><tbody>\n");
    for (InputSpec i : s.inputs()) {
      b.append("<tr><td><code>")
          .append(esc(i.name()))
          .append("</code>")
          .append(i.optional() ? " (optional)" : "")
          .append("</td><td><code>")
          .append(esc(i.shape()))
          .append("</code></td><td>")
          .append(esc(i.domain().description()))
          .append("</td><td>")
          .append(i.differentiable() ? "yes" : "no")
          .append("</td><td>")
          .append(esc(i.description()))
          .append("</td></tr>\n");
    }
    b.append("</tbody></table>\n");
    b.append("<h2>Parameters</h2>\n");
    if (s.params().isEmpty()) {
      b.append("<p>None.</p>\n");
    } else {
      b.append(
          "<table><thead><tr><th>name</th><th>default</th><th>accepts</th><th>what</th></tr></thead><tbody>\n");
      for (ParamSpec p : s.params()) {
        b.append("<tr><td><code>")
            .append(esc(p.name()))
            .append("</code></td><td>")
            .append(
                p.defaultValue() == null
                    ? "(none)"
                    : "<code>" + esc(ParamSpec.render(p.defaultValue())) + "</code>")
            .append("</td><td>")
            .append(esc(p.expectation()))
            .append("</td><td>")
            .append(esc(p.description()))
            .append("</td></tr>\n");
      }
      b.append("</tbody></table>\n");
    }
    List<String> reds = new ArrayList<>();
    s.reductions()
        .forEach(
            r ->
                reds.add(
                    "<code>"
                        + r.id()
                        + "</code>"
                        + (r == s.defaultReduction() ? " (default)" : "")));
    b.append("<p>Reductions: ").append(String.join(", ", reds)).append("</p>\n");

    b.append("<h2>Use it</h2>\n<h3>PyTorch</h3>\n");
    b.append(
        s.equivalent().isEmpty()
            ? "<p>No equivalent in PyTorch: the formula above is the definition.</p>\n"
            : "<pre><code>" + esc(s.equivalent()) + "</code></pre>\n");
    b.append("<h3>Java</h3>\n<pre><code>").append(esc(Snippets.java(s))).append("</code></pre>\n");
    b.append("<h3>Command line</h3>\n<pre><code>")
        .append(esc(Snippets.cli(s)))
        .append("</code></pre>\n");

    b.append("<h2>When to use it, and its limits</h2>\n<p>")
        .append(esc(s.whenToUse()))
        .append("</p>\n");
    b.append("<ul class=\"traits\">\n");
    for (Trait t : Trait.values()) {
      // Lacking NOT_DIFFERENTIABLE is the good case.
      boolean good = s.has(t) != (t == Trait.NOT_DIFFERENTIABLE);
      b.append("<li class=\"")
          .append(good ? "yes" : "no")
          .append("\">")
          .append(good ? "✔ " : "✘ ")
          .append(esc(Snippets.trait(t, s.has(t))))
          .append("</li>\n");
    }
    b.append("</ul>\n");
    List<String> places = recommended.getOrDefault(s.id(), List.of());
    b.append("<h3>Where the guide recommends it</h3>\n");
    if (places.isEmpty()) {
      b.append("<p>Not among the guide's first three for any task and condition.</p>\n");
    } else {
      b.append("<p>Among the first three of <code>losskit guide</code>, which weighs the review's")
          .append(" guidance with the project's experiments:</p>\n<ul>\n");
      places.forEach(b::append);
      b.append("</ul>\n");
    }
    measured(b, s);

    b.append("<h2>References</h2>\n<ul>\n");
    for (LossSpec.Reference r : s.references()) {
      b.append("<li>").append(esc(r.citation()));
      if (!r.url().isEmpty()) {
        b.append(" <a class=\"ext\" href=\"")
            .append(esc(r.url()))
            .append("\">")
            .append(esc(r.url()))
            .append("</a>");
      }
      b.append("</li>\n");
    }
    b.append("</ul>\n</main>\n");
    foot(b);
    return b.toString();
  }

  private static void math(StringBuilder b, String plain) {
    b.append("<div class=\"math\">\n");
    for (String line : MathText.asciiMath(plain)) {
      b.append("<p>`").append(esc(line)).append("`</p>\n");
    }
    b.append("<details><summary>plain text</summary><pre>")
        .append(esc(plain))
        .append("</pre></details>\n");
    b.append("</div>\n");
  }

  private static void plot(StringBuilder b, LossSpec s) {
    JFreeChart chart;
    String label;
    try {
      List<dev.losskit.Params> variants = Sweep.variants(s);
      label = Sweep.of(s, variants.get(0)).label();
      chart = Plots.chart(s, variants);
    } catch (IllegalArgumentException e) {
      b.append("<p class=\"missing\">No plot: ").append(esc(e.getMessage())).append("</p>\n");
      return;
    }
    b.append("<figure class=\"plot\">")
        .append(Plots.svg(chart, "p-" + s.id() + "-"))
        .append("<figcaption>The loss (default reduction) and its derivative along the path, as")
        .append(" the library computes them, against ")
        .append(esc(label))
        .append(". Regenerate: <code>./losskit plot ")
        .append(esc(s.id()))
        .append(" --out ")
        .append(esc(s.id()))
        .append(".svg</code>.</figcaption></figure>\n");
  }

  private void measured(StringBuilder b, LossSpec s) {
    b.append("<h2>Measured</h2>\n");
    Map<String, String> bench = measurements.bench(s.id());
    if (bench.isEmpty()) {
      b.append("<p>Not in the committed bench results yet.</p>\n");
    } else {
      b.append("<p>Speed and gradient stability from <code>losskit bench</code> (single thread,")
          .append(" default parameters; see <code>docs/computational-evaluation.md</code> for what")
          .append(" each column means). Regenerate: <code>")
          .append(esc(Measurements.BENCH_COMMAND))
          .append("</code>.</p>\n<table class=\"bench\"><tbody>\n");
      bench.forEach(
          (k, v) ->
              b.append("<tr><th>")
                  .append(esc(k))
                  .append("</th><td>")
                  .append(esc(v.replace("`", "")))
                  .append("</td></tr>\n"));
      b.append("</tbody></table>\n");
    }
    for (Measurements.Comparison c : measurements.comparisonsOf(s.id())) {
      comparison(b, c, s.id());
    }
    for (Measurements.Experiment e : measurements.experimentsOf(s.id())) {
      b.append("<h3>Experiment: ").append(esc(e.name())).append("</h3>\n");
      b.append("<figure class=\"plot\">")
          .append(Plots.svg(experimentChart(e, s.id()), "e-" + s.id() + "-" + e.name() + "-"))
          .append("<figcaption>The curves of <code>docs/experiments/")
          .append(esc(e.name()))
          .append(
              ".csv</code>, this loss in bold (see <code>docs/experiments.md</code>). Regenerate: <code>")
          .append(esc(e.command()))
          .append("</code>.</figcaption></figure>\n");
      b.append("<table class=\"bench\"><thead><tr><th>loss</th><th>at ")
          .append(esc(e.xName()))
          .append(" ")
          .append(fmt(e.rows().get(e.rows().size() - 1)[0]))
          .append("</th></tr></thead><tbody>\n");
      for (String c : e.columns()) {
        double[] col = e.column(c);
        b.append("<tr")
            .append(c.equals(s.id()) ? " class=\"this\"" : "")
            .append("><td>")
            .append(catalog.find(c).isPresent() ? link(c, "") : esc(c))
            .append("</td><td>")
            .append(fmt(col[col.length - 1]))
            .append("</td></tr>\n");
      }
      b.append("</tbody></table>\n");
    }
  }

  private static JFreeChart experimentChart(Measurements.Experiment e, String highlight) {
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < e.columns().size(); i++) {
      String c = e.columns().get(i);
      XYSeries series = new XYSeries(c, false, true);
      double[] y = e.column(c);
      for (int j = 0; j < y.length; j++) {
        series.add(e.rows().get(j)[0], y[j]);
      }
      data.addSeries(series);
      r.setSeriesStroke(i, new java.awt.BasicStroke(c.equals(highlight) ? 3.5f : 1.2f));
    }
    NumberAxis x = new NumberAxis(e.xName());
    NumberAxis y = new NumberAxis(e.name() + ".csv");
    XYPlot p = new XYPlot(data, x, y, r);
    p.setBackgroundPaint(java.awt.Color.WHITE);
    p.setDomainGridlinePaint(java.awt.Color.LIGHT_GRAY);
    p.setRangeGridlinePaint(java.awt.Color.LIGHT_GRAY);
    JFreeChart chart = new JFreeChart(e.name(), null, p, true);
    chart.setBackgroundPaint(java.awt.Color.WHITE);
    return chart;
  }

  String alias(String alias, LossSpec s) {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"refresh\" content=\"0; url=")
        .append(esc(s.id()))
        .append(".html\">\n")
        .append("<title>")
        .append(esc(alias))
        .append(": see ")
        .append(esc(s.id()))
        .append("</title>\n")
        .append("<link rel=\"stylesheet\" href=\"../style.css\"></head><body><main>\n")
        .append("<p><code>")
        .append(esc(alias))
        .append("</code> is another name of ")
        .append(link(s.id(), ""))
        .append(".</p>\n</main></body></html>\n");
    return b.toString();
  }

  // ---- pieces --------------------------------------------------------------------------------

  private static void head(StringBuilder b, String title, String root) {
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>")
        .append(esc(title))
        .append("</title>\n")
        .append("<link rel=\"stylesheet\" href=\"")
        .append(root)
        .append("style.css\">\n")
        // AsciiMath between backticks, typeset as SVG (no web fonts to fetch); nothing leaves the
        // machine.
        .append("<script>window.MathJax = {loader: {load: ['input/asciimath', 'output/svg']},")
        .append(" asciimath: {delimiters: [['`', '`']]}, svg: {fontCache: 'global'},")
        .append(" options: {enableMenu: false}};</script>\n")
        .append("<script defer src=\"")
        .append(root)
        .append("mathjax/es5/startup.js\"></script>\n")
        .append("</head><body>\n");
  }

  private static void foot(StringBuilder b) {
    b.append(
            "<footer>Generated by <code>./losskit report</code> from the catalogue, the library and")
        .append(" the committed measurements.</footer>\n</body></html>\n");
  }

  private static String taskLinks(LossSpec s, String root) {
    List<String> out = new ArrayList<>();
    for (Task t : s.tasks()) {
      out.add(
          "<a class=\"task\" href=\""
              + root
              + "index.html#task-"
              + t.id()
              + "\">"
              + esc(t.title())
              + "</a>");
    }
    return String.join(" ", out);
  }

  /** A comparison table: every loss of the experiment, mean ± sd per metric, this loss marked. */
  private void comparison(StringBuilder b, Measurements.Comparison c, String id) {
    b.append("<h3>Experiment: ").append(esc(c.name())).append("</h3>\n");
    b.append("<table class=\"bench\"><thead><tr><th>loss</th>");
    List<String> metrics = c.metrics();
    for (String m : metrics) {
      b.append("<th>").append(esc(m)).append("</th>");
    }
    b.append("</tr></thead><tbody>\n");
    c.values()
        .forEach(
            (label, byMetric) -> {
              boolean mine = label.equals(id) || label.startsWith(id + " ");
              b.append("<tr").append(mine ? " class=\"this\"" : "").append("><td>");
              b.append(esc(label)).append("</td>");
              for (String m : metrics) {
                List<Double> xs = byMetric.getOrDefault(m, List.of());
                b.append("<td>").append(xs.isEmpty() ? "" : meanAndSd(xs)).append("</td>");
              }
              b.append("</tr>\n");
            });
    b.append("</tbody></table>\n<p>Mean ± standard deviation over repetitions; see")
        .append(" <code>docs/experiments.md</code>. Regenerate: <code>")
        .append(esc(c.command()))
        .append("</code>.</p>\n");
  }

  private static String meanAndSd(List<Double> xs) {
    double mean = 0;
    for (double x : xs) {
      mean += x;
    }
    mean /= xs.size();
    double ss = 0;
    for (double x : xs) {
      ss += (x - mean) * (x - mean);
    }
    double sd = xs.size() > 1 ? Math.sqrt(ss / (xs.size() - 1)) : 0;
    return fmt(mean) + " ± " + fmt(sd);
  }

  private static String link(String id, String dir) {
    return "<a href=\"" + dir + esc(id) + ".html\"><code>" + esc(id) + "</code></a>";
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%.4g", v);
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static String resource(String name) {
    try (InputStream in = Site.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is not packaged");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }
}
