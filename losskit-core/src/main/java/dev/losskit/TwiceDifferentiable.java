package dev.losskit;

/**
 * An elementwise loss that also gives its second derivative with respect to the prediction (the
 * losses marked H in the catalogue), as gradient-boosting libraries need for custom objectives.
 */
public interface TwiceDifferentiable extends Loss {
  /**
   * Writes into {@code out} (the size of the prediction, overwritten) the second derivative of each
   * unreduced value with respect to its own prediction element. Inputs are already checked.
   */
  void secondDerivative(Tensor[] inputs, float[] out);

  /**
   * Checks the inputs and returns the elementwise second derivative, shaped like the prediction.
   */
  default Tensor hessian(Tensor... inputs) {
    Tensor[] in = Evaluator.checked(this, inputs);
    float[] out = new float[in[0].size()];
    secondDerivative(in, out);
    return Tensor.shaped(out, in[0].shape());
  }
}
