package dev.losskit.cli;

import dev.losskit.experiment.BoxRegressionSimulation;
import dev.losskit.experiment.BoxRegressionSimulation.Curve;
import dev.losskit.experiment.BoxRegressionSimulation.Settings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code losskit experiment box-regression}: the simulation of Zheng et al. (2020). */
@Command(
    name = "box-regression",
    description = {
      "Regress anchors to target boxes by gradient descent on each loss (Zheng et al. 2020, section"
          + " 3.2); print the error table and write the error curves as CSV."
    },
    mixinStandardHelpOptions = true)
final class BoxRegressionCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec cmd;

  @Option(
      names = "--full",
      description = "The paper's size: 5000 anchor centres (1,715,000 cases).")
  boolean full;

  @Option(
      names = "--centres",
      paramLabel = "N",
      description = "Anchor centres (default 200; 5000 with --full).")
  Integer centres;

  @Option(
      names = "--iterations",
      paramLabel = "T",
      defaultValue = "200",
      description = "Gradient steps (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "0",
      description = "Seed of the anchor centres (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--loss",
      paramLabel = "ID",
      description = "Losses to compare (default: iou giou diou ciou eiou gwd smooth-l1).")
  List<String> losses;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      defaultValue = "box-regression.csv",
      description = "Where the curves go (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws IOException {
    CommandLine cl = cmd.commandLine();
    int n = centres != null ? centres : full ? 5000 : 200;
    if (n < 1 || iterations < 1) {
      throw new CommandLine.ParameterException(
          cl, "--centres and --iterations: expected at least 1");
    }
    List<String> ids = losses == null ? BoxRegressionSimulation.LOSSES : losses;
    for (String id : ids) {
      Catalogs.spec(cl, id);
    }
    Settings s = new Settings(n, iterations, Settings.quick().eta(), seed, ids);
    Map<String, Curve> curves = BoxRegressionSimulation.run(s);

    StringBuilder csv = new StringBuilder("iteration");
    for (String id : curves.keySet()) {
      csv.append(',').append(id);
    }
    csv.append('\n');
    for (int t = 0; t <= iterations; t++) {
      csv.append(t);
      for (Curve c : curves.values()) {
        csv.append(',').append(String.format(Locale.ROOT, "%.6g", c.error()[t]));
      }
      csv.append('\n');
    }
    TextFiles.writeAtomically(out, csv);

    PrintWriter w = cl.getOut();
    int cases = n * 343;
    w.printf(
        Locale.ROOT,
        "Box regression, %d anchor centres (%d cases), %d iterations, seed %d%n",
        n,
        cases,
        iterations,
        seed);
    w.println(
        "Total L1 error of (cx, cy, w, h) over all cases, per case in brackets; final mean IoU.");
    List<Integer> at = BoxRegressionSimulation.checkpoints(iterations);
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-10s", "loss"));
    for (int t : at) {
      head.append(String.format(Locale.ROOT, " %14s", "t=" + t));
    }
    head.append(String.format(Locale.ROOT, " %9s", "mean IoU"));
    w.println(head);
    for (Curve c : curves.values()) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-10s", c.loss()));
      for (int t : at) {
        row.append(
            String.format(
                Locale.ROOT,
                " %14s",
                String.format(Locale.ROOT, "%.4g (%.3f)", c.error()[t], c.error()[t] / cases)));
      }
      row.append(String.format(Locale.ROOT, " %9.4f", c.finalMeanIou()));
      w.println(row);
    }
    w.println("Curves: " + out);
    w.flush();
    return 0;
  }
}
