package dev.losskit;

import java.util.List;

/** The outcome of one evaluation: the reduced value, unreduced values and gradients. */
public final class LossResult {
  private final LossSpec spec;
  private final Reduction reduction;
  private final double value;
  private final Tensor values;
  private final Tensor[] grads;

  LossResult(LossSpec spec, Reduction reduction, double value, Tensor values, Tensor[] grads) {
    this.spec = spec;
    this.reduction = reduction;
    this.value = value;
    this.values = values;
    this.grads = grads;
  }

  public Reduction reduction() {
    return reduction;
  }

  /** The reduced value; for {@code none}, the sum of the unreduced values. */
  public double value() {
    return value;
  }

  /** The unreduced values for {@code none}; null otherwise. */
  public Tensor values() {
    return values;
  }

  /** The gradient with respect to input {@code index}, or null where none was computed. */
  public Tensor grad(int index) {
    return grads == null ? null : grads[index];
  }

  /** The gradient with respect to the named input, or null where none was computed. */
  public Tensor grad(String input) {
    int i = spec.inputIndex(input);
    if (i < 0) {
      List<InputSpec> all = spec.inputs();
      throw new IllegalArgumentException(
          "input: " + spec.id() + " has no input '" + input + "' (inputs: " + names(all) + ")");
    }
    return grad(i);
  }

  private static String names(List<InputSpec> all) {
    StringBuilder b = new StringBuilder();
    for (InputSpec s : all) {
      b.append(b.length() == 0 ? "" : ", ").append(s.name());
    }
    return b.toString();
  }
}
