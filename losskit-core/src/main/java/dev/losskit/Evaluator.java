package dev.losskit;

import java.util.List;

/** The shared path of every evaluation: input checks, reduction and the single kernel call. */
final class Evaluator {
  private Evaluator() {}

  static LossResult evaluate(Loss loss, Reduction reduction, Tensor[] inputs, boolean withGrads) {
    LossSpec spec = loss.spec();
    checkReduction(spec, reduction);
    Tensor[] in = padded(spec, inputs);
    checkInputs(loss, in);
    int[] shape = loss.check(in);
    float[][] grads = null;
    if (withGrads && !spec.has(Trait.NOT_DIFFERENTIABLE)) {
      grads = new float[in.length][];
      for (int k = 0; k < in.length; k++) {
        if (in[k] != null && spec.inputs().get(k).differentiable()) {
          grads[k] = new float[in[k].size()];
        }
      }
    }
    float[] values = reduction == Reduction.NONE ? new float[Shapes.size(shape)] : null;
    double v = run(loss, reduction, in, Shapes.size(shape), values, grads);
    Tensor[] gradTensors = null;
    if (grads != null) {
      gradTensors = new Tensor[in.length];
      for (int k = 0; k < in.length; k++) {
        if (grads[k] != null) {
          gradTensors[k] = Tensor.shaped(grads[k], in[k].shape());
        }
      }
    }
    Tensor valueTensor = values == null ? null : Tensor.shaped(values, shape);
    return new LossResult(spec, reduction, v, valueTensor, gradTensors);
  }

  static double evaluate(
      Loss loss, Reduction reduction, Tensor[] inputs, float[] values, float[][] grads) {
    LossSpec spec = loss.spec();
    checkReduction(spec, reduction);
    Tensor[] in = padded(spec, inputs);
    checkInputs(loss, in);
    int size = Shapes.size(loss.check(in));
    if (values != null && values.length != size) {
      throw new IllegalArgumentException(
          "values: expected an array of length " + size + ", found " + values.length);
    }
    if (grads != null) {
      checkGradArrays(spec, in, grads);
    }
    return run(loss, reduction, in, size, values, grads);
  }

  private static double run(
      Loss loss, Reduction reduction, Tensor[] in, int size, float[] values, float[][] grads) {
    double scale;
    switch (reduction) {
      case MEAN:
        double den = loss.meanDenominator(in, size);
        // An empty batch (or one whose targets are all ignored) has mean 0 and no gradient, not
        // NaN.
        scale = den > 0 ? 1.0 / den : 0.0;
        break;
      case BATCHMEAN:
        int batch = in[0].rank() == 0 ? 1 : in[0].dim(0);
        scale = batch > 0 ? 1.0 / batch : 0.0;
        break;
      default:
        scale = 1.0;
    }
    boolean anyGrad = false;
    if (grads != null) {
      for (float[] g : grads) {
        anyGrad |= g != null;
      }
    }
    float[][] g = anyGrad ? grads : null;
    double sum =
        ParallelRanges.splits(loss, in, size)
            ? ParallelRanges.compute((SplittableLoss) loss, in, values, g, scale, size, true)
            : loss.compute(in, values, g, scale);
    return reduction == Reduction.MEAN || reduction == Reduction.BATCHMEAN ? sum * scale : sum;
  }

  /** Pads to the declared inputs and runs every generic and loss-specific check. */
  static Tensor[] checked(Loss loss, Tensor[] inputs) {
    Tensor[] in = padded(loss.spec(), inputs);
    checkInputs(loss, in);
    loss.check(in);
    return in;
  }

  private static Tensor[] padded(LossSpec spec, Tensor[] inputs) {
    List<InputSpec> declared = spec.inputs();
    if (inputs.length > declared.size()) {
      throw new IllegalArgumentException(
          "inputs: "
              + spec.id()
              + " takes at most "
              + declared.size()
              + " inputs, found "
              + inputs.length);
    }
    Tensor[] in = new Tensor[declared.size()];
    System.arraycopy(inputs, 0, in, 0, inputs.length);
    return in;
  }

  private static void checkReduction(LossSpec spec, Reduction reduction) {
    if (!spec.reductions().contains(reduction)) {
      StringBuilder ok = new StringBuilder();
      for (Reduction r : spec.reductions()) {
        ok.append(ok.length() == 0 ? "" : ", ").append(r.id());
      }
      throw new IllegalArgumentException(
          "reduction: " + spec.id() + " expects one of " + ok + ", found " + reduction.id());
    }
  }

  private static void checkInputs(Loss loss, Tensor[] in) {
    LossSpec spec = loss.spec();
    List<InputSpec> declared = spec.inputs();
    for (int k = 0; k < in.length; k++) {
      InputSpec s = declared.get(k);
      if (in[k] == null) {
        if (!s.optional()) {
          throw new IllegalArgumentException(
              s.name() + ": required by " + spec.id() + " but not given");
        }
        continue;
      }
      loss.inputDomain(k).check(s.name(), in[k]);
    }
  }

  private static void checkGradArrays(LossSpec spec, Tensor[] in, float[][] grads) {
    if (grads.length != in.length) {
      throw new IllegalArgumentException(
          "grads: expected one slot per input (" + in.length + "), found " + grads.length);
    }
    for (int k = 0; k < in.length; k++) {
      if (grads[k] == null) {
        continue;
      }
      InputSpec s = spec.inputs().get(k);
      if (in[k] == null || !s.differentiable() || spec.has(Trait.NOT_DIFFERENTIABLE)) {
        throw new IllegalArgumentException(
            "grads: no gradient with respect to "
                + s.name()
                + (in[k] == null ? " (not given)" : " (not differentiable)"));
      }
      if (grads[k].length != in[k].size()) {
        throw new IllegalArgumentException(
            "grads: expected an array of length "
                + in[k].size()
                + " for "
                + s.name()
                + ", found "
                + grads[k].length);
      }
    }
  }
}
