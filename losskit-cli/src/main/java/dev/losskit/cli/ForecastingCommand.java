package dev.losskit.cli;

import dev.losskit.experiment.ForecastingExperiment;
import dev.losskit.experiment.ForecastingExperiment.Settings;
import dev.losskit.experiment.ResultTable;
import picocli.CommandLine.Command;

/** {@code losskit experiment forecasting}: quantile and likelihood losses for uncertainty. */
@Command(
    name = "forecasting",
    description = {
      "Weekly Mauna Loa CO2: linear autoregressive forecasters trained with multi-quantile,"
          + " gaussian-nll and crps-gaussian; coverage of the 80%% and 90%% intervals and CRPS on"
          + " the last 20%% of the series."
    },
    mixinStandardHelpOptions = true)
final class ForecastingCommand extends TableExperimentCommand {
  @Override
  ResultTable run(boolean quick, Integer reps, long seed) {
    Settings d = quick ? Settings.quick() : Settings.standard();
    Settings s =
        new Settings(d.lags(), d.horizon(), reps != null ? reps : d.reps(), d.epochs(), seed);
    return ForecastingExperiment.run(s, ForecastingExperiment.MODELS);
  }
}
