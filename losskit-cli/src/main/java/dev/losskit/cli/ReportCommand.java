package dev.losskit.cli;

import dev.losskit.Catalog;
import dev.losskit.report.Measurements;
import dev.losskit.report.Site;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code losskit report}: the browsable review, a static site that works offline. */
@Command(
    name = "report",
    description = {
      "Write the browsable review: an offline HTML site with every catalogue loss by family and by"
          + " task, its formula, plots, use and measured figures. Open DIR/index.html."
    },
    mixinStandardHelpOptions = true)
final class ReportCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec cmd;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "report",
      description =
          "Folder to write (default: ${DEFAULT-VALUE}); an earlier report there is replaced.")
  Path out;

  @Override
  public Integer call() throws IOException {
    Catalog catalog = Catalog.builtin();
    new Site(catalog, Measurements.packaged()).write(out);
    PrintWriter w = cmd.commandLine().getOut();
    w.println(
        "report: "
            + catalog.specs().size()
            + " losses written; open "
            + out.resolve("index.html").toAbsolutePath().normalize());
    w.flush();
    return 0;
  }
}
