package dev.losskit.tabular;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;

/**
 * Gini impurity of a class distribution: the chance that two labels drawn from it differ, the split
 * criterion of CART decision trees, and a smooth penalty on the spread of a probability vector.
 *
 * <pre>{@code
 * p = one row of pred as probabilities, or counts / (sum of the row's counts)
 * l        = 1 - sum_c p_c^2
 * dl/dp_c  = -2 p_c               (probabilities)
 * }</pre>
 *
 * <p>Input: {@code pred}, {@code (N, C)} rows (or one {@code (C)} row). Its type selects the form:
 * an integer tensor holds non-negative label counts, normalised per row (a row of zero counts has
 * impurity 0); a floating tensor holds probabilities in [0, 1] whose rows sum to 1 (within 0.01).
 * One value per row; {@code mean} divides by N. Counts are data, not parameters: their gradient is
 * 0, as integer tensors carry no gradient in PyTorch. The gradient of probabilities is the partial
 * derivative of the formula, without projection onto the simplex.
 *
 * <p>Equals, on label counts, {@code sklearn.tree.DecisionTreeClassifier(criterion="gini")}'s node
 * impurity {@code tree_.impurity} for nodes with those counts {@code tree_.value} (scikit-learn
 * 1.2); on probabilities, the impurity of a node holding one sample per class weighted by p.
 *
 * @see <a href="https://doi.org/10.1201/9781315139470">Breiman, Friedman, Olshen and Stone (1984),
 *     CART</a>
 */
public final class GiniLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("gini", Family.TABULAR)
          .input(
              "pred",
              "(N, C) or (C)",
              InputDomain.NONNEGATIVE,
              true,
              "label counts (integer tensor) or class probabilities (floating tensor, rows summing"
                  + " to 1)")
          .name("Gini impurity")
          .summary(
              "Gini impurity 1 - sum_c p_c^2 of class distributions given as label counts or as"
                  + " probability vectors.")
          .formula("l = 1 - sum_c p_c^2, p = the row of probabilities, or counts / their sum")
          .gradient("dl/dp_c = -2 p_c for probabilities; 0 for integer counts")
          .traits(Trait.NONNEGATIVE, Trait.BOUNDED, Trait.SMOOTH)
          .equivalent(
              "sklearn.tree.DecisionTreeClassifier(criterion='gini').tree_.impurity of nodes with"
                  + " class counts pred",
              "scikit-learn")
          .whenToUse(
              "The split criterion of CART trees and gradient-boosted trees on label counts, or a"
                  + " differentiable measure of how mixed a predicted class distribution is (e.g."
                  + " as a confidence penalty). As a split criterion it behaves much like"
                  + " entropy-impurity and is cheaper; it is not a training loss of a classifier.")
          .reference(
              "Breiman, Friedman, Olshen, Stone (1984), Classification and Regression Trees",
              "https://doi.org/10.1201/9781315139470")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review",
              "https://arxiv.org/abs/2504.04242")
          .sampler((p, r, n) -> ClassDistributions.sample(r, n))
          .tasks(Task.CLASSIFICATION, Task.TABULAR)
          .build(GiniLoss::new);

  private GiniLoss(Params p) {
    super(SPEC, p);
  }

  @Override
  public int[] check(Tensor[] in) {
    return ClassDistributions.check(in[0]);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] p = in[0].data();
    int classes = in[0].dim(-1);
    int rows = p.length / classes;
    boolean counts = in[0].isIntegral();
    float[] g = grads == null ? null : grads[0];
    double sum = 0;
    for (int n = 0; n < rows; n++) {
      int base = n * classes;
      double total = ClassDistributions.total(p, base, classes, counts);
      double l = 0;
      if (total > 0) {
        double squares = 0;
        for (int c = 0; c < classes; c++) {
          double q = p[base + c] / total;
          squares += q * q;
        }
        l = 1 - squares;
      }
      sum += l;
      if (values != null) {
        values[n] = (float) l;
      }
      if (g != null) {
        for (int c = 0; c < classes; c++) {
          g[base + c] = counts ? 0f : (float) (-2 * scale * p[base + c]);
        }
      }
    }
    return sum;
  }
}
