package dev.losskit;

/**
 * A loss function: value and exact gradients, fused in one pass.
 *
 * <h2>The kernel contract</h2>
 *
 * <p>Implementations provide {@link #check} and {@link #compute}; callers use the {@code evaluate}
 * methods, which check every input against its declared domain, call {@link #check} once, apply the
 * reduction and call {@link #compute} once.
 *
 * <ul>
 *   <li>Inputs come in the order the {@link LossSpec} declares them, {@code null} for an optional
 *       input left out. They are never modified.
 *   <li>The <em>unreduced</em> loss has the shape {@link #check} returns: one value per element for
 *       elementwise losses, per sample for per-sample losses.
 *   <li>{@code compute} returns the sum of the unreduced values, accumulated in double; writes them
 *       into {@code values} when it is not null; and, for each {@code k} with {@code grads[k]} not
 *       null, overwrites every element of {@code grads[k]} with {@code scale} times the derivative
 *       of that sum with respect to input {@code k}. With no gradient array it does no gradient
 *       work.
 *   <li>The reduction is the caller's: {@code mean} divides by {@link #meanDenominator} (PyTorch's
 *       denominator), {@code batchmean} by the size of the first dimension of the first input. The
 *       kernel only sees the resulting {@code scale}.
 * </ul>
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public interface Loss {
  /** The catalogue entry. */
  LossSpec spec();

  /** The parameter values of this instance. */
  Params params();

  /**
   * Checks what the per-input domain checks cannot (shapes that must agree, class indices in range)
   * and returns the shape of the unreduced loss.
   *
   * @throws IllegalArgumentException naming the input, the expectation and what was found
   */
  int[] check(Tensor[] inputs);

  /**
   * The values input {@code k} may hold for this instance: the declared domain, unless a parameter
   * changes what the input means (probabilities, or logits with {@code from-logits}).
   */
  default InputDomain inputDomain(int k) {
    return spec().inputs().get(k).domain();
  }

  /** Fused value and gradient kernel; see the class comment. Inputs are already checked. */
  double compute(Tensor[] inputs, float[] values, float[][] grads, double scale);

  /**
   * The loss whose value has, at {@code at}, this loss's gradient as its derivative: this loss,
   * unless its gradient holds a factor constant as PyTorch's {@code no_grad} or {@code detach} does
   * (CIoU's alpha); then that factor is frozen at its value for {@code at}. Gradient checks
   * differentiate this loss.
   */
  default Loss frozenAt(Tensor... at) {
    return this;
  }

  /**
   * The denominator of the {@code mean} reduction: by default the number of unreduced values;
   * losses with class weights or ignored targets return PyTorch's weighted count.
   */
  default double meanDenominator(Tensor[] inputs, int unreducedSize) {
    return unreducedSize;
  }

  /**
   * Evaluates into caller-owned arrays; returns the reduced value (for {@code none}, the sum).
   *
   * @param values receives the unreduced values when not null (length: the unreduced size)
   * @param grads one slot per declared input (or null for no gradients); a non-null slot, of the
   *     input's size, receives the gradient of the reduced value with respect to that input
   */
  default double evaluate(Reduction reduction, Tensor[] inputs, float[] values, float[][] grads) {
    return Evaluator.evaluate(this, reduction, inputs, values, grads);
  }

  /** Value and gradients of every differentiable input that is present. */
  default LossResult evaluate(Reduction reduction, Tensor... inputs) {
    return Evaluator.evaluate(this, reduction, inputs, true);
  }

  /** Value and gradients with the default reduction. */
  default LossResult evaluate(Tensor... inputs) {
    return evaluate(spec().defaultReduction(), inputs);
  }

  /** The reduced value only; no gradient work is done. */
  default double value(Reduction reduction, Tensor... inputs) {
    return Evaluator.evaluate(this, reduction, inputs, false).value();
  }

  /** The value with the default reduction. */
  default double value(Tensor... inputs) {
    return value(spec().defaultReduction(), inputs);
  }
}
