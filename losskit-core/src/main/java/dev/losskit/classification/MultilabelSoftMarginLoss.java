package dev.losskit.classification;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Shapes;
import dev.losskit.SplittableLoss;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Numerics;
import dev.losskit.internal.Samples;
import dev.losskit.internal.vectorization.Kernels;
import dev.losskit.internal.vectorization.Vectorization;

/**
 * Multi-label soft-margin loss: one independent logistic loss per class, averaged over the classes
 * of each sample; for multi-label classification, where a sample may belong to any number of
 * classes.
 *
 * <pre>{@code
 * per sample n, over its C classes:
 * l_n = 1/C sum_c w_c (t_c softplus(-x_c) + (1 - t_c) softplus(x_c))
 *     = -1/C sum_c w_c (t_c log sigmoid(x_c) + (1 - t_c) log sigmoid(-x_c))
 * dl_n/dx_c = w_c / C (sigmoid(x_c) - t_c)                 (w_c = 1 without weight)
 * }</pre>
 *
 * <p>Inputs: {@code pred}, finite logits {@code (N, C)} or {@code (C)}; {@code target} of the same
 * shape, probabilities in [0, 1] (usually 0 or 1); optional {@code weight} {@code (C)},
 * non-negative per-class weights. The unreduced loss has one value per sample ({@code (N)}, or
 * {@code ()} for a {@code (C)} input); the mean divides by the number of samples.
 *
 * <p>Numerics: softplus in its stable form {@code max(x, 0) + log1p(exp(-|x|))}, so logits of any
 * magnitude give finite values and gradients.
 *
 * <p>Equals {@code torch.nn.functional.multilabel_soft_margin_loss(pred, target, weight=weight)}.
 *
 * @see <a href="https://doi.org/10.1109/TKDE.2013.39">Zhang and Zhou (2014), A review on
 *     multi-label learning algorithms</a>
 */
public final class MultilabelSoftMarginLoss extends AbstractLoss implements SplittableLoss {
  /** Classes of the sampled inputs. */
  private static final int SAMPLE_CLASSES = 6;

  public static final LossSpec SPEC =
      LossSpec.builder("multilabel-soft-margin", Family.CLASSIFICATION)
          .input("pred", "(N, C) or (C)", InputDomain.REAL, true, "logits, one per class")
          .input("target", "as pred", InputDomain.PROBABILITY, false, "per-class targets in [0, 1]")
          .optionalInput("weight", "(C)", InputDomain.NONNEGATIVE, false, "per-class weights")
          .name("Multi-label soft margin")
          .summary(
              "Binary cross-entropy with logits for every class, averaged over the classes of each sample.")
          .formula("l_n = 1/C sum_c w_c (t_c softplus(-x_c) + (1 - t_c) softplus(x_c))")
          .gradient("dl_n/dx_c = w_c / C (sigmoid(x_c) - t_c)")
          .traits(Trait.CONVEX, Trait.SMOOTH, Trait.NONNEGATIVE, Trait.ROBUST)
          .equivalent(
              "torch.nn.functional.multilabel_soft_margin_loss(pred, target, weight=weight)",
              "pytorch")
          .whenToUse(
              "Multi-label classification (tagging, attribute prediction), where classes are not mutually"
                  + " exclusive: one sigmoid per class. It ignores correlations between labels, and rare"
                  + " labels need class weights (or a focal loss) under heavy imbalance.")
          .reference(
              "Zhang and Zhou (2014), A review on multi-label learning algorithms",
              "https://doi.org/10.1109/TKDE.2013.39")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review",
              "https://arxiv.org/abs/2504.04242")
          // Odd n gives class weights as well, so that the shared tests cover both paths.
          .sampler(
              (p, r, n) ->
                  new Tensor[] {
                    Samples.normal(r, 2, n, SAMPLE_CLASSES),
                    Samples.binary(r, n, SAMPLE_CLASSES),
                    n % 2 == 1 ? Samples.uniform(r, 0.5, 2, SAMPLE_CLASSES) : null
                  })
          .tasks(Task.CLASSIFICATION, Task.ACTION_RECOGNITION)
          .build(MultilabelSoftMarginLoss::new);

  private MultilabelSoftMarginLoss(Params p) {
    super(SPEC, p);
  }

  @Override
  public int[] check(Tensor[] in) {
    Tensor pred = in[0];
    if (pred.rank() != 1 && pred.rank() != 2) {
      throw new IllegalArgumentException(
          "pred: expected shape (N, C) or (C), found " + Shapes.toString(pred.shape()));
    }
    Shapes.requireSame("target", in[1], "pred", pred);
    int classes = pred.dim(-1);
    if (in[2] != null && !in[2].hasShape(classes)) {
      throw new IllegalArgumentException(
          "weight: expected shape "
              + Shapes.toString(classes)
              + " (one per class), found "
              + Shapes.toString(in[2].shape()));
    }
    return pred.rank() == 2 ? new int[] {pred.dim(0)} : new int[0];
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    return computeRange(in, values, grads, scale, 0, in[0].rank() == 2 ? in[0].dim(0) : 1);
  }

  @Override
  public int unitWidth(Tensor[] in) {
    return in[0].dim(-1);
  }

  @Override
  public double computeRange(
      Tensor[] in, float[] values, float[][] grads, double scale, int from, int to) {
    float[] x = in[0].data();
    float[] t = in[1].data();
    int classes = in[0].dim(-1);
    float[] g = grads == null ? null : grads[0];
    if (classes == 0) {
      if (values != null) {
        java.util.Arrays.fill(values, from, to, 0f);
      }
      return 0;
    }
    if (in[2] == null) {
      // Unweighted, each sample's loss is the mean of bce-with-logits over its classes: one kernel
      // call over the whole range, or one per row when the per-sample values are wanted.
      Kernels k = Vectorization.kernels();
      double c = scale / classes;
      if (values == null) {
        return k.bceWithLogits(x, t, false, null, g, c, from * classes, to * classes) / classes;
      }
      double sum = 0;
      for (int i = from; i < to; i++) {
        double l =
            k.bceWithLogits(x, t, false, null, g, c, i * classes, (i + 1) * classes) / classes;
        values[i] = (float) l;
        sum += l;
      }
      return sum;
    }
    float[] w = in[2].data();
    double sum = 0;
    for (int i = from; i < to; i++) {
      int base = i * classes;
      double acc = 0;
      for (int c = 0; c < classes; c++) {
        double xc = x[base + c];
        double tc = t[base + c];
        double wc = w[c];
        acc += wc * (tc * Numerics.softplus(-xc) + (1 - tc) * Numerics.softplus(xc));
        if (g != null) {
          g[base + c] = (float) (wc / classes * (Numerics.sigmoid(xc) - tc) * scale);
        }
      }
      double l = acc / classes;
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
    }
    return sum;
  }
}
