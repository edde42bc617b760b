package dev.losskit.classification;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Elementwise;
import dev.losskit.internal.Samples;

/**
 * Perceptron loss: how far a score lies on the wrong side of zero; Rosenblatt's criterion, which
 * updates only on mistakes and asks for no margin.
 *
 * <pre>{@code
 * y = target, with 0 read as -1
 * l = max(0, -y pred)
 * dl/dpred = -y  if y pred < 0
 *            0   otherwise (also at the kink pred = 0)
 * }</pre>
 *
 * <p>Inputs: {@code pred}, finite scores of any shape; {@code target} of the same shape, labels -1
 * or +1 (0 is read as -1, so {0, 1} labels work too). Mean over elements.
 *
 * <p>Numerics: exact for any finite score; the gradient is bounded by 1 in magnitude.
 *
 * <p>No library equivalent; the definition is the catalogue's (hinge with margin 0).
 *
 * @see <a href="https://doi.org/10.1037/h0042519">Rosenblatt (1958), The perceptron</a>
 */
public final class PerceptronLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.elementwise("perceptron", Family.CLASSIFICATION)
          .domain("target", InputDomain.SIGN_OR_BINARY)
          .name("Perceptron")
          .summary(
              "How far the score lies on the wrong side of zero: Rosenblatt's perceptron criterion.")
          .formula("l = max(0, -y pred), y = target in {-1, +1} (0 read as -1)")
          .gradient("dl/dpred = -y if y pred < 0 else 0 (0 at pred = 0)")
          .traits(Trait.CONVEX, Trait.NONNEGATIVE, Trait.ROBUST)
          .whenToUse(
              "Online training of linear classifiers on separable data, and as the historical baseline of"
                  + " margin losses. It has no margin, so any separating boundary (and the all-zero score)"
                  + " has zero loss; prefer hinge for a maximum-margin solution.")
          .reference(
              "Rosenblatt (1958), The perceptron: a probabilistic model for information storage and"
                  + " organization in the brain",
              "https://doi.org/10.1037/h0042519")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review",
              "https://arxiv.org/abs/2504.04242")
          .sampler(
              (p, r, n) ->
                  new Tensor[] {
                    MarginSamples.awayFrom(Samples.normal(r, 1.5, n), 0), Samples.signs(r, n)
                  })
          .tasks(Task.CLASSIFICATION)
          .build(PerceptronLoss::new);

  private PerceptronLoss(Params p) {
    super(SPEC, p);
  }

  @Override
  public int[] check(Tensor[] in) {
    return Elementwise.check(SPEC, in);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] p = in[0].data();
    float[] t = in[1].data();
    float[] g = grads == null ? null : grads[0];
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      double y = t[i] > 0 ? 1 : -1;
      double z = -y * p[i];
      double l = z > 0 ? z : 0;
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        g[i] = z > 0 ? (float) (-y * scale) : 0f;
      }
    }
    return sum;
  }
}
