package dev.losskit.cli;

import dev.losskit.InputSpec;
import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.LossSpec;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.io.Npy;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code losskit eval}: evaluates a loss on {@code .npy} inputs and prints one JSON object. Output
 * files are written only after everything succeeded, each through a temporary file that is then
 * moved into place, so that an error leaves no output file behind.
 */
@Command(
    name = "eval",
    description =
        "Evaluate a loss on .npy inputs; print the value as JSON, write gradients as .npy.",
    mixinStandardHelpOptions = true)
final class EvalCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec cmd;

  @Parameters(paramLabel = "ID", description = "A catalogue id or alias.")
  String id;

  @Option(
      names = "--pred",
      paramLabel = "P.npy",
      required = true,
      description = "The first input (predictions).")
  Path pred;

  @Option(names = "--target", paramLabel = "T.npy", description = "The second input (targets).")
  Path target;

  @Option(
      names = "--input",
      paramLabel = "NAME=F.npy",
      description = "Any input by its catalogue name.")
  List<String> inputs = new ArrayList<>();

  @Option(
      names = "--param",
      paramLabel = "NAME=VALUE",
      description = "A parameter; see 'losskit describe ID'.")
  List<String> params = new ArrayList<>();

  @Option(
      names = "--reduction",
      paramLabel = "R",
      description = "mean, sum, none or batchmean (default: the loss's).")
  String reduction;

  @Option(
      names = "--grad-out",
      paramLabel = "[NAME=]G.npy",
      description = "Write the gradient with respect to pred (or the named input) as float32 .npy.")
  List<String> gradOuts = new ArrayList<>();

  @Option(
      names = "--value-out",
      paramLabel = "V.npy",
      description = "With --reduction none: the unreduced values.")
  Path valueOut;

  @Override
  public Integer call() throws IOException {
    CommandLine cl = cmd.commandLine();
    LossSpec spec = Catalogs.spec(cl, id);
    Map<String, String> given = Catalogs.params(cl, spec, params);
    Loss loss;
    try {
      loss = spec.create(given);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cl, e.getMessage());
    }
    Reduction r = reduction(cl, spec);
    Map<Integer, Path> files = inputFiles(cl, spec);
    Map<Integer, Path> gradFiles = gradFiles(cl, spec, files);
    if (valueOut != null && r != Reduction.NONE) {
      throw new CommandLine.ParameterException(cl, "--value-out: only with --reduction none");
    }

    Tensor[] in = new Tensor[spec.inputs().size()];
    for (Map.Entry<Integer, Path> e : files.entrySet()) {
      in[e.getKey()] = Npy.read(e.getValue());
    }
    LossResult result = loss.evaluate(r, in);
    Map<Path, Tensor> outputs = new LinkedHashMap<>();
    for (Map.Entry<Integer, Path> e : gradFiles.entrySet()) {
      outputs.put(e.getValue(), result.grad(e.getKey()));
    }
    int[] shape = r == Reduction.NONE ? result.values().shape() : new int[0];
    if (valueOut != null) {
      outputs.put(valueOut, result.values());
    }
    writeAll(outputs);

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("loss", spec.id());
    json.put("reduction", r.id());
    if (r != Reduction.NONE) {
      json.put("value", result.value());
    }
    json.put("shape", shape);
    PrintWriter out = cl.getOut();
    out.println(Json.of(json));
    out.flush();
    return 0;
  }

  private Reduction reduction(CommandLine cl, LossSpec spec) {
    if (reduction == null) {
      return spec.defaultReduction();
    }
    Reduction r;
    try {
      r = Reduction.parse(reduction);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cl, "--" + e.getMessage());
    }
    if (!spec.reductions().contains(r)) {
      List<String> ok = new ArrayList<>();
      spec.reductions().forEach(x -> ok.add(x.id()));
      throw new CommandLine.ParameterException(
          cl,
          "--reduction: "
              + spec.id()
              + " expects one of "
              + String.join(", ", ok)
              + ", found "
              + r.id());
    }
    return r;
  }

  private Map<Integer, Path> inputFiles(CommandLine cl, LossSpec spec) {
    Map<Integer, Path> files = new LinkedHashMap<>();
    files.put(0, pred);
    if (target != null) {
      if (spec.inputs().size() < 2) {
        throw new CommandLine.ParameterException(
            cl, "--target: " + spec.id() + " takes only one input");
      }
      files.put(1, target);
    }
    for (String s : inputs) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new CommandLine.ParameterException(
            cl, "--input: expected NAME=FILE, found '" + s + "'");
      }
      int k = inputIndex(cl, spec, s.substring(0, eq), "--input");
      if (files.containsKey(k)) {
        throw new CommandLine.ParameterException(
            cl, "--input: " + spec.inputs().get(k).name() + " is given twice");
      }
      files.put(k, Paths.get(s.substring(eq + 1)));
    }
    return files;
  }

  private Map<Integer, Path> gradFiles(CommandLine cl, LossSpec spec, Map<Integer, Path> files) {
    Map<Integer, Path> out = new LinkedHashMap<>();
    for (String s : gradOuts) {
      int eq = s.indexOf('=');
      int k = 0;
      String file = s;
      if (eq > 0 && spec.inputIndex(s.substring(0, eq)) >= 0) {
        k = spec.inputIndex(s.substring(0, eq));
        file = s.substring(eq + 1);
      }
      InputSpec is = spec.inputs().get(k);
      if (spec.has(Trait.NOT_DIFFERENTIABLE) || !is.differentiable()) {
        throw new CommandLine.ParameterException(
            cl, "--grad-out: " + spec.id() + " gives no gradient with respect to " + is.name());
      }
      if (!files.containsKey(k)) {
        throw new CommandLine.ParameterException(
            cl, "--grad-out: input " + is.name() + " is not given");
      }
      if (out.put(k, Paths.get(file)) != null) {
        throw new CommandLine.ParameterException(
            cl, "--grad-out: " + is.name() + " is given twice");
      }
    }
    return out;
  }

  private static int inputIndex(CommandLine cl, LossSpec spec, String name, String option) {
    int k = spec.inputIndex(name);
    if (k < 0) {
      List<String> names = new ArrayList<>();
      for (InputSpec i : spec.inputs()) {
        names.add(i.name());
      }
      throw new CommandLine.ParameterException(
          cl,
          option
              + ": "
              + spec.id()
              + " has no input '"
              + name
              + "'; its inputs are "
              + String.join(", ", names));
    }
    return k;
  }

  /**
   * Writes every file to a temporary sibling first and moves them into place only when all were
   * written.
   */
  private static void writeAll(Map<Path, Tensor> outputs) throws IOException {
    Map<Path, Path> temps = new LinkedHashMap<>();
    try {
      for (Map.Entry<Path, Tensor> e : outputs.entrySet()) {
        Path dest = e.getKey().toAbsolutePath();
        Path tmp = Files.createTempFile(dest.getParent(), "." + dest.getFileName(), ".tmp");
        temps.put(tmp, dest);
        Npy.write(tmp, e.getValue());
      }
      for (Map.Entry<Path, Path> e : temps.entrySet()) {
        Files.move(
            e.getKey(),
            e.getValue(),
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      for (Path tmp : temps.keySet()) {
        Files.deleteIfExists(tmp);
      }
      throw e;
    }
  }
}
