package dev.losskit.cli;

import dev.losskit.experiment.ImbalanceExperiment;
import dev.losskit.experiment.ImbalanceExperiment.Settings;
import dev.losskit.experiment.ResultTable;
import picocli.CommandLine.Command;

/** {@code losskit experiment imbalance}: weighted and focal losses under class imbalance. */
@Command(
    name = "imbalance",
    description = {
      "Breast cancer with malignant cases subsampled to 5%% of the training rows: logistic"
          + " regression trained with bce-with-logits (plain and pos-weighted), balanced-ce and"
          + " sigmoid-focal; test average precision, F1, precision and recall."
    },
    mixinStandardHelpOptions = true)
final class ImbalanceCommand extends TableExperimentCommand {
  @Override
  ResultTable run(boolean quick, Integer reps, long seed) {
    Settings d = quick ? Settings.quick() : Settings.standard();
    Settings s = new Settings(d.positiveShare(), reps != null ? reps : d.reps(), d.epochs(), seed);
    return ImbalanceExperiment.run(s, ImbalanceExperiment.LOSSES);
  }
}
