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
 * Entropy impurity of a class distribution, in bits: the information criterion of ID3/C4.5 decision
 * trees, and the Shannon entropy of a probability vector.
 *
 * <pre>{@code
 * p = one row of pred as probabilities, or counts / (sum of the row's counts)
 * l        = -sum_c p_c log2 p_c                      (0 log 0 = 0)
 * dl/dp_c  = -(ln p_c + 1) / ln 2                     (probabilities)
 * }</pre>
 *
 * <p>Input: {@code pred}, {@code (N, C)} rows (or one {@code (C)} row). Its type selects the form:
 * an integer tensor holds non-negative label counts, normalised per row (a row of zero counts has
 * impurity 0); a floating tensor holds probabilities in [0, 1] whose rows sum to 1 (within 0.01).
 * One value per row; {@code mean} divides by N. Counts are data, not parameters: their gradient is
 * 0, as integer tensors carry no gradient in PyTorch. The gradient of probabilities is the partial
 * derivative of the formula, without projection onto the simplex.
 *
 * <p>Numerical notes: for probabilities, ln p_c is clamped at -100 (as PyTorch's binary
 * cross-entropy clamps its logarithms), so that a probability of exactly 0 has the finite gradient
 * 100 / ln 2; the value changes by less than 1e-41.
 *
 * <p>Equals, on label counts, {@code sklearn.tree.DecisionTreeClassifier(criterion="entropy")}'s
 * node impurity {@code tree_.impurity} for nodes with those counts {@code tree_.value}
 * (scikit-learn 1.2, which also uses log2); on probabilities, the impurity of a node holding one
 * sample per class weighted by p.
 *
 * @see <a href="https://doi.org/10.1007/BF00116251">Quinlan (1986), Induction of decision trees</a>
 */
public final class EntropyImpurityLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("entropy-impurity", Family.TABULAR)
          .input(
              "pred",
              "(N, C) or (C)",
              InputDomain.NONNEGATIVE,
              true,
              "label counts (integer tensor) or class probabilities (floating tensor, rows summing"
                  + " to 1)")
          .name("Entropy impurity")
          .summary(
              "Shannon entropy in bits, -sum_c p_c log2 p_c, of class distributions given as label"
                  + " counts or as probability vectors.")
          .formula(
              "l = -sum_c p_c log2 p_c (0 log 0 = 0), p = the row of probabilities, or counts /"
                  + " their sum")
          .gradient(
              "dl/dp_c = -(ln p_c + 1) / ln 2 for probabilities, ln p_c clamped at -100; 0 for"
                  + " integer counts")
          .traits(Trait.NONNEGATIVE, Trait.BOUNDED)
          .equivalent(
              "sklearn.tree.DecisionTreeClassifier(criterion='entropy').tree_.impurity of nodes"
                  + " with class counts pred",
              "scikit-learn")
          .whenToUse(
              "The information-gain split criterion of ID3/C4.5-style trees on label counts, or the"
                  + " entropy of a predicted class distribution (e.g. a confidence or exploration"
                  + " term). It penalises mixed nodes slightly more than gini and costs a logarithm"
                  + " per class; it is not a training loss of a classifier.")
          .reference(
              "Quinlan (1986), Induction of decision trees, Machine Learning",
              "https://doi.org/10.1007/BF00116251")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review",
              "https://arxiv.org/abs/2504.04242")
          .sampler((p, r, n) -> ClassDistributions.sample(r, n))
          .tasks(Task.CLASSIFICATION, Task.TABULAR)
          .build(EntropyImpurityLoss::new);

  private static final double LN2 = Math.log(2);

  /** The clamp of ln p, as in PyTorch's binary cross-entropy. */
  private static final double LOG_FLOOR = -100;

  private EntropyImpurityLoss(Params p) {
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
      double nats = 0;
      for (int c = 0; c < classes; c++) {
        double q = p[base + c];
        if (q > 0) {
          q /= total;
          double log = Math.max(Math.log(q), LOG_FLOOR);
          nats -= q * log;
          if (g != null && !counts) {
            g[base + c] = (float) (-scale * (log + (log > LOG_FLOOR ? 1 : 0)) / LN2);
          }
        } else if (g != null && !counts) {
          g[base + c] = (float) (-scale * LOG_FLOOR / LN2);
        }
        if (g != null && counts) {
          g[base + c] = 0f;
        }
      }
      double l = nats / LN2;
      sum += l;
      if (values != null) {
        values[n] = (float) l;
      }
    }
    return sum;
  }
}
