package dev.losskit.metric;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Samples;

/**
 * Contrastive (siamese) loss: pulls similar pairs together and pushes dissimilar pairs at least a
 * margin apart in Euclidean distance; for learning embeddings from labelled pairs.
 *
 * <pre>{@code
 * d = |x1_i - x2_i|                           (Euclidean, per row)
 * l = y d^2 + (1 - y) max(0, m - d)^2          y = 1 similar, y = 0 dissimilar
 * dl/dx1 = 2 y (x1 - x2) - 2 (1 - y) max(0, m - d) (x1 - x2) / d   (second term 0 at d = 0)
 * dl/dx2 = -dl/dx1
 * }</pre>
 *
 * <p>Inputs: {@code x1} and {@code x2}, embeddings {@code (N, D)} of equal shape, finite; {@code
 * label} {@code (N)}, 1 for a similar pair and 0 for a dissimilar one. Gradients for {@code x1} and
 * {@code x2}. The unreduced loss has shape {@code (N)}; {@code mean} divides by N.
 *
 * <p>Numerics: distances are computed from the differences (no cancellation for nearby points). At
 * {@code d = 0} the direction of {@code (x1 - x2) / d} is undefined; the gradient of the dissimilar
 * term is taken as 0 there (as PyTorch's norm backward does), so identical dissimilar embeddings
 * give the value {@code m^2} and a finite gradient.
 *
 * <p>Equals the review's formula. It uses the labels the other way round from Hadsell et al. (who
 * write {@code Y = 0} for similar pairs) and without their factor 1/2.
 *
 * @see <a href="https://doi.org/10.1109/CVPR.2006.100">Hadsell, Chopra and LeCun (2006)</a>
 */
public final class ContrastiveLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("contrastive", Family.METRIC)
          .name("Contrastive")
          .summary(
              "Squared distance for similar pairs, squared hinge on the distance below a margin for"
                  + " dissimilar ones.")
          .formula("l = y d^2 + (1 - y) max(0, margin - d)^2, d = |x1 - x2| (Euclidean, per row)")
          .gradient(
              "dl/dx1 = 2 y (x1 - x2) - 2 (1 - y) max(0, margin - d) (x1 - x2) / d (0 at d = 0);"
                  + " dl/dx2 = -dl/dx1")
          .input("x1", "(N, D)", InputDomain.REAL, true, "first embedding of each pair")
          .input("x2", "(N, D), as x1", InputDomain.REAL, true, "second embedding of each pair")
          .input(
              "label",
              "(N)",
              InputDomain.REAL,
              false,
              "1 for a similar pair, 0 for a dissimilar one")
          .param(
              ParamSpec.real(
                  "margin",
                  1.0,
                  Range.NONNEGATIVE,
                  "distance beyond which dissimilar pairs cost nothing"))
          .traits(Trait.NONNEGATIVE)
          .whenToUse(
              "Siamese networks trained on pairs labelled same/different (signature and face"
                  + " verification, dimensionality reduction); it looks at one pair at a time, so"
                  + " it learns more slowly than triplet or in-batch contrastive losses, and the"
                  + " margin must suit the scale of the embeddings.")
          .reference(
              "Hadsell, Chopra and LeCun (2006), Dimensionality reduction by learning an invariant"
                  + " mapping",
              "https://doi.org/10.1109/CVPR.2006.100")
          .sampler(ContrastiveLoss::sample)
          .tasks(Task.TRACKING, Task.REPRESENTATION)
          .build(ContrastiveLoss::new);

  private final double margin;

  private ContrastiveLoss(Params p) {
    super(SPEC, p);
    this.margin = p.real("margin");
  }

  /** Pairs at distances around the default margin, half of them similar. */
  private static Tensor[] sample(Params p, java.util.SplittableRandom r, int n) {
    Tensor x1 = Embeddings.sample(r, n);
    float[] x2 = x1.data().clone();
    for (int i = 0; i < x2.length; i++) {
      x2[i] += (float) (0.4 * Samples.gaussian(r));
    }
    return new Tensor[] {x1, Tensor.of(x2, x1.shape()), Samples.binary(r, n)};
  }

  @Override
  public int[] check(Tensor[] in) {
    Embeddings.requireMatrix("x1", in[0]);
    Embeddings.requireSame("x2", in[1], "x1", in[0]);
    int n = in[0].dim(0);
    Embeddings.requirePerRow("label", in[2], n, "x1");
    float[] y = in[2].data();
    for (int i = 0; i < n; i++) {
      if (y[i] != 0 && y[i] != 1) {
        throw new IllegalArgumentException(
            "label: expected 0 (dissimilar) or 1 (similar), found " + y[i] + " at index " + i);
      }
    }
    return new int[] {n};
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] x1 = in[0].data();
    float[] x2 = in[1].data();
    float[] y = in[2].data();
    int n = in[0].dim(0);
    int dim = in[0].dim(1);
    float[] g1 = grads == null ? null : grads[0];
    float[] g2 = grads == null ? null : grads[1];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      int o = i * dim;
      double d2 = 0;
      for (int k = o; k < o + dim; k++) {
        double v = (double) x1[k] - x2[k];
        d2 += v * v;
      }
      double d = Math.sqrt(d2);
      double l;
      double coef; // dl/d(x1 - x2) = coef (x1 - x2)
      if (y[i] == 1) {
        l = d2;
        coef = 2;
      } else {
        double h = Math.max(0, margin - d);
        l = h * h;
        coef = h > 0 && d > 0 ? -2 * h / d : 0;
      }
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g1 != null || g2 != null) {
        coef *= scale;
        for (int k = o; k < o + dim; k++) {
          double g = coef * ((double) x1[k] - x2[k]);
          if (g1 != null) {
            g1[k] = (float) g;
          }
          if (g2 != null) {
            g2[k] = (float) -g;
          }
        }
      }
    }
    return sum;
  }
}
