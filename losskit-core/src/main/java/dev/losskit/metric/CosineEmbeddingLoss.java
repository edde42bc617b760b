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
public final class CosineEmbeddingLoss extends AbstractLoss {
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
      double prod = 0;
      double m1 = EPSILON;
      double m2 = EPSILON;
      for (int k = o; k < o + dim; k++) {
        double u = x1[k];
        double v = x2[k];
        prod += u * v;
        m1 += u * u;
        m2 += v * v;
      }
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
      if (g1 != null || g2 != null) {
        dc *= scale;
        for (int k = o; k < o + dim; k++) {
          if (g1 != null) {
            g1[k] = (float) (dc * (x2[k] / den - c * x1[k] / m1));
          }
          if (g2 != null) {
            g2[k] = (float) (dc * (x1[k] / den - c * x2[k] / m2));
          }
        }
      }
    }
    return sum;
  }
}
