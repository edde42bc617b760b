package dev.losskit.internal.vectorization;

/**
 * The hot loops of the elementwise losses, one method per loss, implemented twice: by {@link
 * ScalarKernels} (plain double loops) and by a Vector API implementation loaded only when the JVM
 * has the {@code jdk.incubator.vector} module. {@link Vectorization#kernels()} selects one at
 * start-up.
 *
 * <p>Every method works on the index range {@code [from, to)} only, so that a large input can be
 * split across threads: it returns the sum of the unreduced values of that range, accumulated in
 * double; writes them into {@code values[from, to)} when {@code values} is not null; and writes
 * {@code scale} times the derivative of each value into {@code grad[from, to)} when {@code grad} is
 * not null. Input arrays are never modified. The formulas and their numerical notes are in the loss
 * classes that call these methods.
 */
public interface Kernels {
  /** mse: {@code r^2}, {@code r = pred - target}. */
  double mse(
      float[] pred, float[] target, float[] values, float[] grad, double scale, int from, int to);

  /** mae: {@code |r|}, gradient {@code signum(r)}. */
  double mae(
      float[] pred, float[] target, float[] values, float[] grad, double scale, int from, int to);

  /** smooth-l1: {@code r^2 / (2 beta)} below {@code beta}, {@code |r| - beta / 2} beyond. */
  double smoothL1(
      float[] pred,
      float[] target,
      double beta,
      float[] values,
      float[] grad,
      double scale,
      int from,
      int to);

  /** huber: {@code r^2 / 2} up to {@code delta}, {@code delta (|r| - delta / 2)} beyond. */
  double huber(
      float[] pred,
      float[] target,
      double delta,
      float[] values,
      float[] grad,
      double scale,
      int from,
      int to);

  /** log-cosh: {@code log(cosh(r))}, gradient {@code tanh(r)}. */
  double logCosh(
      float[] pred, float[] target, float[] values, float[] grad, double scale, int from, int to);

  /**
   * quantile (pinball): {@code q d} for {@code d = target - pred >= 0}, {@code (q - 1) d} below.
   */
  double quantile(
      float[] pred,
      float[] target,
      double q,
      float[] values,
      float[] grad,
      double scale,
      int from,
      int to);

  /**
   * bce-with-logits without weights: {@code softplus(x) - t x}, gradient {@code sigmoid(x) - t}.
   * With {@code signLabels} the targets are labels y of -1 and +1, read as {@code t = (1 + y) / 2}
   * (exact): the logistic loss {@code softplus(-y x)} of soft-margin.
   */
  double bceWithLogits(
      float[] logits,
      float[] target,
      boolean signLabels,
      float[] values,
      float[] grad,
      double scale,
      int from,
      int to);

  /**
   * bce without weights: {@code -(t max(log p, logFloor) + (1 - t) max(log(1 - p), logFloor))},
   * gradient {@code (p - t) / max((1 - p) p, eps)}.
   */
  double bce(
      float[] prob,
      float[] target,
      double logFloor,
      double eps,
      float[] values,
      float[] grad,
      double scale,
      int from,
      int to);

  /** sigmoid-focal: {@code a_t (1 - p_t)^gamma ce}; {@code alpha < 0} means no class weighting. */
  double sigmoidFocal(
      float[] logits,
      float[] target,
      double alpha,
      double gamma,
      float[] values,
      float[] grad,
      double scale,
      int from,
      int to);

  /**
   * poisson-nll: {@code exp(x) - y x} (log-input) or {@code x - y log(x + eps)}; Stirling term if
   * full.
   */
  double poissonNll(
      float[] pred,
      float[] target,
      boolean logInput,
      boolean full,
      double eps,
      float[] values,
      float[] grad,
      double scale,
      int from,
      int to);

  /**
   * kl-div: {@code t (log t - x)} (0 where t = 0), or {@code exp(t) (t - x)} with log-targets;
   * gradients with respect to both the prediction and the target.
   */
  double klDiv(
      float[] logProb,
      float[] target,
      boolean logTarget,
      float[] values,
      float[] gradPred,
      float[] gradTarget,
      double scale,
      int from,
      int to);

  /** hinge: {@code max(0, 1 - y p)} with {@code y = target > 0 ? 1 : -1}. */
  double hinge(
      float[] pred, float[] target, float[] values, float[] grad, double scale, int from, int to);

  /** squared-hinge: {@code max(0, 1 - y p)^2} with {@code y = target > 0 ? 1 : -1}. */
  double squaredHinge(
      float[] pred, float[] target, float[] values, float[] grad, double scale, int from, int to);

  /**
   * Whether every {@code x[i]} (or {@code |x[i]|} with {@code abs}) lies in {@code [lo, hi]}: false
   * when any is NaN or outside. The input-domain checks call it on every input of every evaluation,
   * so it is one pass with no early exit; a caller that needs the offending index rescans.
   */
  boolean allWithin(float[] x, float lo, float hi, boolean abs);

  /**
   * margin-ranking: {@code max(0, y (x2 - x1) + margin)} with labels {@code y} in {-1, +1}; the
   * derivative {@code y} with respect to {@code x2} and {@code -y} with respect to {@code x1} where
   * the hinge is active ({@code >= 0}, the kink included), else 0. {@code grad1} and {@code grad2}
   * may each be null.
   */
  double marginRanking(
      float[] x1,
      float[] x2,
      float[] y,
      double margin,
      float[] values,
      float[] grad1,
      float[] grad2,
      double scale,
      int from,
      int to);

  /**
   * multi-margin over the rows {@code [from, to)} of {@code pred (N, classes)}: row {@code i} with
   * true class {@code y = target[i]} has {@code l = w_y / classes sum_{c != y} max(0, margin -
   * pred_y + pred_c)^power} ({@code w_y = 1} when {@code weight} is null, power 2 when {@code
   * squared}); its gradient row is {@code scale w_y / classes power max(0, z_c)^(power - 1)} for
   * {@code c != y} with {@code z_c > 0} (else 0) and minus their sum at {@code y}. Returns the sum
   * of the rows' values; {@code values} has one entry per row.
   */
  double multiMargin(
      float[] pred,
      float[] target,
      float[] weight,
      int classes,
      double margin,
      boolean squared,
      float[] values,
      float[] grad,
      double scale,
      int from,
      int to);

  /**
   * gaussian-nll: {@code (log v + r^2 / v) / 2 + constant} with {@code v = max(var, eps)}, {@code r
   * = pred - target}; gradients {@code r / v} for pred and {@code (1 / v - r^2 / v^2) / 2} for var
   * (the derivative at the clamped variance, as PyTorch). Element {@code i} has the variance {@code
   * var[i / group]}; {@code gradVar[j]} sums its group and is written by the range that holds the
   * group's first element, which reads (never writes) the rest of the group beyond {@code to}.
   */
  double gaussianNll(
      float[] pred,
      float[] target,
      float[] var,
      int group,
      double eps,
      double constant,
      float[] values,
      float[] gradPred,
      float[] gradVar,
      double scale,
      int from,
      int to);
}
