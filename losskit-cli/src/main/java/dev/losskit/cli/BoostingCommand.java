package dev.losskit.cli;

import dev.losskit.xgboost.experiment.BoostingExperiment;
import dev.losskit.xgboost.experiment.BoostingExperiment.Row;
import dev.losskit.xgboost.experiment.BoostingExperiment.Settings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code losskit experiment boosting}: XGBoost with catalogue objectives against its own. */
@Command(
    name = "boosting",
    description = {
      "Gradient boosting (XGBoost4J) with catalogue losses as objectives against XGBoost's built-in"
          + " objectives on diabetes (clean and corrupted targets) and breast cancer; print the"
          + " tables and write every measurement as CSV."
    },
    mixinStandardHelpOptions = true)
final class BoostingCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec cmd;

  @Option(
      names = "--seeds",
      paramLabel = "N",
      defaultValue = "5",
      description = "Seeded train/test splits (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(
      names = "--rounds",
      paramLabel = "R",
      defaultValue = "100",
      description = "Boosting rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--corrupted",
      paramLabel = "SHARE",
      defaultValue = "0.15",
      description = "Share of corrupted training targets (default: ${DEFAULT-VALUE}).")
  double corrupted;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      defaultValue = "boosting.csv",
      description = "Where the measurements go (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (seeds < 1 || rounds < 1 || !(corrupted > 0 && corrupted < 1)) {
      throw new CommandLine.ParameterException(
          cmd.commandLine(),
          String.format(
              Locale.ROOT,
              "--seeds and --rounds: expected at least 1, --corrupted: expected a share in (0, 1);"
                  + " found %d, %d, %s",
              seeds,
              rounds,
              corrupted));
    }
    Settings s = new Settings(seeds, rounds, corrupted);
    long start = System.nanoTime();
    List<Row> rows = BoostingExperiment.run(s);
    TextFiles.writeAtomically(out, BoostingExperiment.csv(rows));
    PrintWriter w = cmd.commandLine().getOut();
    w.print(BoostingExperiment.markdown(rows, s));
    w.printf(
        Locale.ROOT,
        "%nMeasurements: %s (%.1f s in all)%n",
        out,
        (System.nanoTime() - start) / 1e9);
    w.flush();
    return 0;
  }
}
