package dev.losskit;

import java.util.Locale;

/** Properties of a loss that users choose by and tests rely on. */
public enum Trait {
  /** Convex in the prediction. */
  CONVEX,
  /** Never negative. */
  NONNEGATIVE,
  /** Bounded above. */
  BOUNDED,
  /** Continuously differentiable in the prediction everywhere. */
  SMOOTH,
  /** Zero when the prediction equals the target. */
  ZERO_AT_TARGET,
  /**
   * Gives the elementwise second derivative (marked H in the catalogue); see {@link
   * TwiceDifferentiable}.
   */
  HESSIAN,
  /** Robust to outliers: the gradient is bounded in the residual. */
  ROBUST,
  /** Value only: the loss is piecewise constant and reports no gradient. */
  NOT_DIFFERENTIABLE;

  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
