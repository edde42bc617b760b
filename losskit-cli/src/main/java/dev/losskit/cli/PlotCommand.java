package dev.losskit.cli;

import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.report.Plots;
import dev.losskit.report.Sweep;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jfree.chart.JFreeChart;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code losskit plot}: a loss's value and gradient along its natural input, as SVG or PNG. */
@Command(
    name = "plot",
    description = {
      "Plot a loss and its gradient along its natural input (residual, probability, logit, box"
          + " shift, ...): the default parameters and two variants, or exactly the given ones."
    },
    mixinStandardHelpOptions = true)
final class PlotCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec cmd;

  @Parameters(paramLabel = "ID", description = "A catalogue id or alias.")
  String id;

  @Option(
      names = "--param",
      paramLabel = "NAME=VALUE",
      description = "A parameter; see 'losskit describe ID'.")
  List<String> params = new ArrayList<>();

  @Option(
      names = "--out",
      paramLabel = "FILE",
      required = true,
      description = "The image to write: FILE.svg or FILE.png.")
  Path out;

  @Override
  public Integer call() throws IOException {
    CommandLine cl = cmd.commandLine();
    String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean svg = name.endsWith(".svg");
    if (!svg && !name.endsWith(".png")) {
      throw new CommandLine.ParameterException(
          cl, "--out: expected a file name ending in .svg or .png, found '" + out + "'");
    }
    LossSpec spec = Catalogs.spec(cl, id);
    List<Params> sets = new ArrayList<>();
    if (params.isEmpty()) {
      sets.addAll(Sweep.variants(spec));
    } else {
      sets.add(spec.params(Catalogs.params(cl, spec, params)));
    }
    JFreeChart chart = Plots.chart(spec, sets);
    byte[] bytes =
        svg ? Plots.svgDocument(chart).getBytes(StandardCharsets.UTF_8) : Plots.png(chart);
    // Written beside the target and moved into place: no partial image on error.
    Path target = out.toAbsolutePath().normalize();
    Files.createDirectories(target.getParent());
    // A plain new file (the user's default permissions, unlike a temporary file's).
    Path tmp = target.resolveSibling("." + target.getFileName() + "." + System.nanoTime() + ".tmp");
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return 0;
  }
}
