package dev.losskit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code losskit experiment NAME}: the reproducible experiments. */
@Command(
    name = "experiment",
    description = "Run a reproducible experiment with the catalogue's losses.",
    mixinStandardHelpOptions = true,
    subcommands = {
      BoxRegressionCommand.class,
      OutliersCommand.class,
      ImbalanceCommand.class,
      LabelNoiseCommand.class,
      ForecastingCommand.class,
      BoostingCommand.class
    })
final class ExperimentCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec cmd;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        cmd.commandLine(),
        "an experiment name is required (box-regression, outliers, imbalance, label-noise,"
            + " forecasting, boosting)");
  }
}
