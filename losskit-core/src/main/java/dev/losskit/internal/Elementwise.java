package dev.losskit.internal;

import dev.losskit.LossSpec;
import dev.losskit.Shapes;
import dev.losskit.Tensor;

/** The shape rule of elementwise losses: every given input has the shape of the first. */
public final class Elementwise {
  private Elementwise() {}

  /** Checks that every given input has the shape of {@code inputs[0]}; returns that shape. */
  public static int[] check(LossSpec spec, Tensor[] inputs) {
    String first = spec.inputs().get(0).name();
    for (int k = 1; k < inputs.length; k++) {
      if (inputs[k] != null) {
        Shapes.requireSame(spec.inputs().get(k).name(), inputs[k], first, inputs[0]);
      }
    }
    return inputs[0].shape();
  }
}
