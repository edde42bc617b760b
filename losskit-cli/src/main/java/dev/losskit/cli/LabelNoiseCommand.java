package dev.losskit.cli;

import dev.losskit.experiment.LabelNoiseExperiment;
import dev.losskit.experiment.LabelNoiseExperiment.Settings;
import dev.losskit.experiment.ResultTable;
import picocli.CommandLine.Command;

/** {@code losskit experiment label-noise}: noise-robust classification losses. */
@Command(
    name = "label-noise",
    description = {
      "Digits with 40%% symmetric label noise (and without): a small network trained with"
          + " cross-entropy, label smoothing, generalized-ce and symmetric-ce; clean test"
          + " accuracy."
    },
    mixinStandardHelpOptions = true)
final class LabelNoiseCommand extends TableExperimentCommand {
  @Override
  ResultTable run(boolean quick, Integer reps, long seed) {
    Settings d = quick ? Settings.quick() : Settings.standard();
    Settings s =
        new Settings(d.noises(), d.hidden(), reps != null ? reps : d.reps(), d.epochs(), seed);
    return LabelNoiseExperiment.run(s, LabelNoiseExperiment.LOSSES);
  }
}
