package dev.losskit.cli;

import dev.losskit.Loss;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.check.GradientCheck;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code losskit gradcheck}: analytic gradients (and the Hessian, where the loss has one) against
 * central differences, on the loss's own sampled inputs at several sizes. Exit code 1 on failure.
 */
@Command(
    name = "gradcheck",
    description = "Check a loss's analytic gradients against central differences.",
    mixinStandardHelpOptions = true)
final class GradcheckCommand implements Callable<Integer> {
  private static final int[] SIZES = {1, 5, 16};

  @CommandLine.Spec CommandLine.Model.CommandSpec cmd;

  @Parameters(paramLabel = "ID", description = "A catalogue id or alias.")
  String id;

  @Option(
      names = "--param",
      paramLabel = "NAME=VALUE",
      description = "A parameter; see 'losskit describe ID'.")
  List<String> params = new ArrayList<>();

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "0",
      description = "Seed of the sampled inputs (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() {
    CommandLine cl = cmd.commandLine();
    LossSpec spec = Catalogs.spec(cl, id);
    Map<String, String> given = Catalogs.params(cl, spec, params);
    Loss loss;
    Params p;
    try {
      loss = spec.create(given);
      p = spec.params(given);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cl, e.getMessage());
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("loss", spec.id());
    json.put("seed", seed);
    boolean differentiable = !spec.has(Trait.NOT_DIFFERENTIABLE);
    json.put("differentiable", differentiable);
    boolean passed = true;
    List<Object> checks = new ArrayList<>();
    Map<String, Integer> checkedPerInput = new LinkedHashMap<>();
    if (differentiable) {
      SplittableRandom random = new SplittableRandom(seed);
      GradientCheck checker = new GradientCheck();
      for (int n : SIZES) {
        Tensor[] in = spec.sample(p, random, n);
        for (Reduction r : List.of(spec.defaultReduction(), Reduction.SUM)) {
          if (!spec.reductions().contains(r)) {
            continue;
          }
          GradientCheck.Report report = checker.check(loss, r, in);
          passed &= report.passed();
          List<Object> inputs = new ArrayList<>();
          for (GradientCheck.InputReport ir : report.inputs()) {
            checkedPerInput.merge(ir.input(), ir.checked(), Integer::sum);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("input", ir.input());
            m.put("checked", ir.checked());
            m.put("skipped", ir.skipped());
            m.put("max-abs-error", ir.maxAbsError());
            m.put("max-rel-error", ir.maxRelError());
            m.put("passed", ir.passed());
            inputs.add(m);
          }
          Map<String, Object> c = new LinkedHashMap<>();
          c.put("n", n);
          c.put("reduction", r.id());
          c.put("inputs", inputs);
          c.put("passed", report.passed());
          checks.add(c);
          if (r == spec.defaultReduction() && r == Reduction.SUM) {
            break;
          }
        }
      }
      // A check in which every element was skipped proves nothing.
      for (int c : checkedPerInput.values()) {
        passed &= c > 0;
      }
    }
    json.put("passed", passed);
    json.put("checks", checks);
    PrintWriter out = cl.getOut();
    out.println(Json.of(json));
    out.flush();
    if (!passed) {
      cl.getErr().println("losskit: gradcheck failed for " + spec.id());
      cl.getErr().flush();
    }
    return passed ? 0 : 1;
  }
}
