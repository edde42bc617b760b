package dev.losskit.cli;

import dev.losskit.experiment.ResultTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The shared shape of the training experiments: run with fixed seeds, print a markdown table of
 * mean ± standard deviation over the repetitions, write every value to a CSV file.
 */
abstract class TableExperimentCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec cmd;

  @Option(
      names = "--quick",
      description = "A seconds-long run with fewer repetitions and steps (a smoke test).")
  boolean quick;

  @Option(
      names = "--reps",
      paramLabel = "N",
      description = "Repetitions, with seeds S, S+1, ... (default: the experiment's).")
  Integer reps;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "0",
      description = "Seed of the first repetition (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Where every value goes as CSV (default: NAME.csv, NAME the experiment's).")
  Path out;

  /** Runs the experiment; {@code reps} is null for the experiment's default. */
  abstract ResultTable run(boolean quick, Integer reps, long seed);

  @Override
  public Integer call() throws IOException {
    CommandLine cl = cmd.commandLine();
    if (reps != null && reps < 1) {
      throw new CommandLine.ParameterException(cl, "--reps: expected at least 1, found " + reps);
    }
    ResultTable table = run(quick, reps, seed);
    Path dest = out != null ? out : Path.of(cmd.name() + ".csv");
    TextFiles.writeAtomically(dest, table.csv());
    PrintWriter w = cl.getOut();
    w.println(table.title() + "; mean ± sd over repetitions (seeds " + seed + "...)");
    w.println();
    w.print(table.markdown());
    w.println();
    w.println("Values per repetition: " + dest);
    w.flush();
    return 0;
  }
}
