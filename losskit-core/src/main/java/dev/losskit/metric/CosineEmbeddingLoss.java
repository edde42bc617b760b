package dev.losskit.metric;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.SplittableLoss;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Samples;

/**
 * Cosine embedding loss: one minus the cosine similarity for similar pairs, and the cosine above a
 * margin for dissimilar ones; for learning embeddings whose direction, not length, carries meaning.
 *
 * <pre>{@code
 * c = <x1, x2> / sqrt((|x1|^2 + 1e-12) (|x2|^2 + 1e-12))      (per row)
 * l = 1 - c                   if y = 1
 *     max(0, c - margin)      if y = -1
 * dc/dx1 = x2 / sqrt(...) - c x1 / (|x1|^2 + 1e-12),  dc/dx2 likewise
 * dl/dx  = -dc/dx (y = 1);  dc/dx where c - margin >= 0 (y = -1), else 0
 * }</pre>
 *
 * <p>Inputs: {@code x1} and {@code x2}, embeddings {@code (N, D)} of equal shape, finite; {@code
 * label} {@code (N)} in {-1, +1}. Gradients for {@code x1} and {@code x2}. The unreduced loss has
 * shape {@code (N)}; {@code mean} divides by N.
 *
 * <p>Numerics: 1e-12 is added to each squared norm, where PyTorch adds it ({@code EPSILON} in
 * {@code cosine_embedding_loss}), so a zero-norm row gives {@code c = 0} and a finite (large)
 * gradient. At the kink of the dissimilar branch the gradient is that of the active side, as
 * PyTorch's {@code clamp_min} gives it. Products are accumulated in double, so rows whose squared
 * norm overflows float32 still give the right cosine.
 *
 * <p>Equals {@code torch.nn.functional.cosine_embedding_loss(x1, x2, label, margin=margin)}.
 *
 * @see <a href="https://arxiv.org/abs/2504.04242">Elharrouss et al. (2025)</a>
 */
public final class CosineEmbeddingLoss extends AbstractLoss implements SplittableLoss {
  /** Added to each squared norm, as in PyTorch. */
  private static final double EPSILON = 1e-12;

  public static final LossSpec SPEC =
      LossSpec.builder("cosine-embedding", Family.METRIC)
          .name("Cosine embedding")
          .summary(
              "One minus the cosine similarity of similar pairs; the cosine above a margin for"
                  + " dissimilar ones.")
          .formula(
              "l = 1 - cos(x1, x2) if y = 1, max(0, cos(x1, x2) - margin) if y = -1;"
                  + " cos = <x1, x2> / sqrt((|x1|^2 + 1e-12) (|x2|^2 + 1e-12))")
          .gradient(
              "dcos/dx1 = x2 / sqrt((|x1|^2 + 1e-12) (|x2|^2 + 1e-12)) - cos x1 / (|x1|^2 + 1e-12);"
                  + " dl/dx = -dcos/dx (y = 1), dcos/dx where cos >= margin (y = -1)")
          .input("x1", "(N, D)", InputDomain.REAL, true, "first embedding of each pair")
          .input("x2", "(N, D), as x1", InputDomain.REAL, true, "second embedding of each pair")
          .input(
              "label",
              "(N)",
              InputDomain.SIGN,
              false,
              "1 for a similar pair, -1 for a dissimilar one")
          .param(
              ParamSpec.real(
                  "margin",
                  0.0,
                  Range.closed(-1, 1),
                  "cosine below which dissimilar pairs cost nothing (0 to 0.5 is typical)"))
          .traits(Trait.NONNEGATIVE, Trait.BOUNDED)
          .equivalent(
              "torch.nn.functional.cosine_embedding_loss(x1, x2, label, margin=margin)", "pytorch")
          .whenToUse(
              "Pairs labelled similar/dissimilar where only direction matters (text and image"
                  + " embeddings, semantic similarity); scale-invariant and bounded, but it cannot"
                  + " control embedding norms and gives vanishing gradients for nearly aligned pairs.")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review",
              "https://arxiv.org/abs/2504.04242")
          .sampler(
              (p, r, n) ->
                  new Tensor[] {
                    Embeddings.sample(r, n), Embeddings.sample(r, n), Samples.signs(r, n)
                  })
          .tasks(Task.REPRESENTATION)
          .build(CosineEmbeddingLoss::new);

  private final double margin;

  private CosineEmbeddingLoss(Params p) {
    super(SPEC, p);
    this.margin = p.real("margin");
  }

  @Override
  public int[] check(Tensor[] in) {
    Embeddings.requireMatrix("x1", in[0]);
    Embeddings.requireSame("x2", in[1], "x1", in[0]);
    Embeddings.requirePerRow("label", in[2], in[0].dim(0), "x1");
    return new int[] {in[0].dim(0)};
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    return computeRange(in, values, grads, scale, 0, in[0].dim(0));
  }

  @Override
  public int unitWidth(Tensor[] in) {
    return in[0].dim(1);
  }

  @Override
  public double computeRange(
      Tensor[] in, float[] values, float[][] grads, double scale, int from, int to) {
    float[] x1 = in[0].data();
    float[] x2 = in[1].data();
    float[] y = in[2].data();
    int dim = in[0].dim(1);
    float[] g1 = grads == null ? null : grads[0];
    float[] g2 = grads == null ? null : grads[1];
    double sum = 0;
    for (int i = from; i < to; i++) {
      int o = i * dim;
      // <x1, x2>, |x1|^2 and |x2|^2 in double, with two interleaved partial sums each: independent
      // additions that the JIT may not reorder on its own.
      double p0 = 0;
      double p1 = 0;
      double a0 = 0;
      double a1 = 0;
      double b0 = 0;
      double b1 = 0;
      int k = o;
      int end = o + dim;
      for (; k + 1 < end; k += 2) {
        double u0 = x1[k];
        double v0 = x2[k];
        double u1 = x1[k + 1];
        double v1 = x2[k + 1];
        p0 += u0 * v0;
        p1 += u1 * v1;
        a0 += u0 * u0;
        a1 += u1 * u1;
        b0 += v0 * v0;
        b1 += v1 * v1;
      }
      if (k < end) {
        double u = x1[k];
        double v = x2[k];
        p0 += u * v;
        a0 += u * u;
        b0 += v * v;
      }
      double prod = p0 + p1;
      double m1 = (a0 + a1) + EPSILON;
      double m2 = (b0 + b1) + EPSILON;
      double den = Math.sqrt(m1 * m2);
      double c = prod / den;
      double l;
      double dc; // dl/dc
      if (y[i] == 1) {
        l = 1 - c;
        dc = -1;
      } else {
        double z = c - margin;
        l = Math.max(z, 0);
        dc = z >= 0 ? 1 : 0;
      }
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      // dl/dx1 = dc (x2 / den - c x1 / m1): two coefficients per row, then a plain loop over the
      // row that the JIT vectorizes.
      dc *= scale;
      double a = dc / den;
      if (g1 != null) {
        gradientRow(g1, x2, x1, o, dim, a, dc * c / m1);
      }
      if (g2 != null) {
        gradientRow(g2, x1, x2, o, dim, a, dc * c / m2);
      }
    }
    return sum;
  }

  /**
   * {@code g[k] = a other[k] - b self[k]} over the row at {@code o}: in float when both
   * coefficients are zero or normal floats (each term then keeps float's relative precision, as in
   * PyTorch), in double otherwise (rows of norm beyond about 1e19, whose coefficients underflow).
   */
  private static void gradientRow(
      float[] g, float[] other, float[] self, int o, int dim, double a, double b) {
    if (normalOrZero(a) && normalOrZero(b)) {
      float fa = (float) a;
      float fb = (float) b;
      for (int k = o; k < o + dim; k++) {
        g[k] = fa * other[k] - fb * self[k];
      }
    } else {
      for (int k = o; k < o + dim; k++) {
        g[k] = (float) (a * other[k] - b * self[k]);
      }
    }
  }

  private static boolean normalOrZero(double v) {
    double m = Math.abs(v);
    return m == 0 || (m >= Float.MIN_NORMAL && m <= Float.MAX_VALUE);
  }
}
