package dev.losskit.cli;

import dev.losskit.experiment.OutliersExperiment;
import dev.losskit.experiment.OutliersExperiment.Settings;
import dev.losskit.experiment.ResultTable;
import picocli.CommandLine.Command;

/** {@code losskit experiment outliers}: robust regression losses under corrupted targets. */
@Command(
    name = "outliers",
    description = {
      "Diabetes regression with 0, 10, 20 and 30%% of the training targets grossly corrupted: a linear"
          + " model trained with mse, mae, huber, log-cosh, pseudo-huber and general-robust; test"
          + " MAE and RMSE on clean targets."
    },
    mixinStandardHelpOptions = true)
final class OutliersCommand extends TableExperimentCommand {
  @Override
  ResultTable run(boolean quick, Integer reps, long seed) {
    Settings d = quick ? Settings.quick() : Settings.standard();
    Settings s = new Settings(d.shares(), reps != null ? reps : d.reps(), d.epochs(), seed);
    return OutliersExperiment.run(s, OutliersExperiment.LOSSES);
  }
}
