package dev.losskit.report;

import dev.losskit.InputSpec;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Trait;
import java.util.ArrayList;
import java.util.List;

/** Java and command-line examples of a loss, and the words for its traits, made from its spec. */
final class Snippets {
  private Snippets() {}

  /** Creating the loss with its parameters spelled out, evaluating it and reading the gradient. */
  static String java(LossSpec s) {
    List<String> params = new ArrayList<>();
    for (ParamSpec p : s.params()) {
      if (p.defaultValue() != null && params.size() < 20) {
        params.add(quote(p.name()));
        params.add(quote(ParamSpec.render(p.defaultValue())));
      }
    }
    List<String> args = new ArrayList<>();
    StringBuilder b = new StringBuilder();
    for (InputSpec i : s.inputs()) {
      if (!i.optional()) {
        String v = variable(i.name());
        args.add(v);
        b.append("Tensor ")
            .append(v)
            .append(" = Tensor.of(")
            .append(v)
            .append("Data, shape); // ")
            .append(i.shape())
            .append('\n');
      }
    }
    b.append("Loss loss = Catalog.builtin().create(")
        .append(quote(s.id()))
        .append(params.isEmpty() ? "" : ", Map.of(" + String.join(", ", params) + ")")
        .append(");\n");
    b.append("LossResult r = loss.evaluate(Reduction.")
        .append(s.defaultReduction().name())
        .append(", ")
        .append(String.join(", ", args))
        .append(");\n");
    b.append("double value = r.value();\n");
    for (InputSpec i : s.inputs()) {
      if (i.differentiable() && !i.optional() && !s.has(Trait.NOT_DIFFERENTIABLE)) {
        b.append("float[] ")
            .append(variable("grad-" + i.name()))
            .append(" = r.grad(")
            .append(quote(i.name()))
            .append(").data();\n");
      }
    }
    return b.toString();
  }

  /** {@code losskit eval} with every required input and every parameter at its default. */
  static String cli(LossSpec s) {
    StringBuilder b = new StringBuilder("./losskit eval ").append(s.id());
    List<InputSpec> in = s.inputs();
    for (int k = 0; k < in.size(); k++) {
      InputSpec i = in.get(k);
      if (i.optional()) {
        continue;
      }
      String flag = k == 0 ? "--pred " : k == 1 ? "--target " : "--input " + i.name() + "=";
      b.append(" \\\n    ").append(flag).append(i.name()).append(".npy");
    }
    for (ParamSpec p : s.params()) {
      if (p.defaultValue() != null) {
        b.append(" \\\n    --param ")
            .append(p.name())
            .append('=')
            .append(ParamSpec.render(p.defaultValue()));
      }
    }
    if (in.get(0).differentiable() && !s.has(Trait.NOT_DIFFERENTIABLE)) {
      b.append(" \\\n    --grad-out grad.npy");
    }
    return b.append('\n').toString();
  }

  /** What having (or lacking) a trait means for a user choosing the loss. */
  static String trait(Trait t, boolean has) {
    switch (t) {
      case CONVEX:
        return has ? "Convex in the prediction." : "Not convex in the prediction.";
      case NONNEGATIVE:
        return has ? "Never negative." : "Can be negative.";
      case BOUNDED:
        return has ? "Bounded above." : "Not bounded above.";
      case SMOOTH:
        return has
            ? "Continuously differentiable in the prediction."
            : "Not continuously differentiable everywhere (kinks or steps).";
      case ZERO_AT_TARGET:
        return has ? "Zero when the prediction equals the target." : "Not zero at the target.";
      case HESSIAN:
        return has
            ? "Gives the elementwise second derivative (gradient-boosting objective)."
            : "No elementwise second derivative in the library.";
      case ROBUST:
        return has
            ? "Robust to outliers: the gradient is bounded in the residual."
            : "Not marked robust to outliers.";
      default:
        return has ? "Value only: no gradient." : "Differentiable: the library gives its gradient.";
    }
  }

  private static String variable(String name) {
    StringBuilder b = new StringBuilder();
    boolean up = false;
    for (char c : name.toCharArray()) {
      if (c == '-') {
        up = true;
      } else {
        b.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return b.toString();
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
