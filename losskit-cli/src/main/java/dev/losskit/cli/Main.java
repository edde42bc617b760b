package dev.losskit.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code losskit} command. Exit codes: 0 success, 1 invalid data (or a failed check), 2 a usage
 * error (unknown loss, parameter, option or input name).
 */
@Command(
    name = "losskit",
    mixinStandardHelpOptions = true,
    version = "losskit 0.1.0",
    description = "Deep-learning loss functions: values, exact gradients, checks.",
    subcommands = {
      ListCommand.class,
      DescribeCommand.class,
      EvalCommand.class,
      GradcheckCommand.class,
      ExperimentCommand.class,
      BenchCommand.class,
      ReportCommand.class,
      PlotCommand.class,
      GuideCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  /** A command line whose errors go to stderr as one line, with the project's exit codes. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          PrintWriter err = cmd.getErr();
          if (e instanceof IllegalArgumentException || e instanceof java.io.IOException) {
            err.println("losskit: error: " + message(e));
            err.flush();
            return 1;
          }
          throw e;
        });
    cl.setParameterExceptionHandler(
        (e, args) -> {
          PrintWriter err = e.getCommandLine().getErr();
          err.println("losskit: " + e.getMessage());
          err.println("Try 'losskit " + commandPath(e.getCommandLine()) + "--help' for usage.");
          err.flush();
          return 2;
        });
    return cl;
  }

  private static String commandPath(CommandLine cl) {
    String name = cl.getCommandSpec().name();
    return name.equals("losskit") ? "" : name + " ";
  }

  private static String message(Exception e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return e.getMessage() + ": no such file";
    }
    return e.getMessage();
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
