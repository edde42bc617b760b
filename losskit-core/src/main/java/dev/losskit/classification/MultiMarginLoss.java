package dev.losskit.classification;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.Shapes;
import dev.losskit.SplittableLoss;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Samples;
import dev.losskit.internal.vectorization.Vectorization;

/**
 * Multi-class margin loss: every wrong class whose score comes within {@code margin} of the true
 * class's score is penalised; the Weston-Watkins multi-class SVM loss on raw scores.
 *
 * <pre>{@code
 * per sample n, true class y, z_c = margin - pred_y + pred_c:
 * l = w_y / C * sum_{c != y} max(0, z_c)^power                      (w_y = 1 without weight)
 * dl/dpred_c = w_y / C * power * max(0, z_c)^(power - 1)   for c != y with z_c > 0, else 0
 * dl/dpred_y = - sum_{c != y} dl/dpred_c
 * }</pre>
 *
 * <p>Inputs: {@code pred}, finite scores {@code (N, C)} or {@code (C)}; {@code target}, an integer
 * tensor of class indices in [0, C), {@code (N)} (or {@code ()} or {@code (1)} for a single {@code
 * (C)} sample); optional {@code weight} {@code (C)}, non-negative per-class weights. The unreduced
 * loss has the shape of {@code target}; the mean divides by the number of samples, not by the
 * weight sum, as PyTorch does.
 *
 * <p>Parameters: {@code margin} (1), {@code power} (1 or 2). A violation exactly at the kink
 * ({@code z_c = 0}) contributes nothing, to the value or to the gradient.
 *
 * <p>Numerics: the Vector API kernel forms {@code z_c} in float, as PyTorch does (accurate relative
 * to the scores), and recomputes in double a row whose float sum overflows; the scalar kernel works
 * in double. Sums over rows are in double.
 *
 * <p>Equals {@code torch.nn.functional.multi_margin_loss(pred, target, p=power, margin=margin,
 * weight=weight)}.
 *
 * @see <a href="https://www.esann.org/sites/default/files/proceedings/legacy/es1999-461.pdf">Weston
 *     and Watkins (1999), Support vector machines for multi-class pattern recognition</a>
 */
public final class MultiMarginLoss extends AbstractLoss implements SplittableLoss {
  /** Classes of the sampled inputs. */
  private static final int SAMPLE_CLASSES = 4;

  public static final LossSpec SPEC =
      LossSpec.builder("multi-margin", Family.CLASSIFICATION)
          .input("pred", "(N, C) or (C)", InputDomain.REAL, true, "class scores")
          .input(
              "target", "(N), or () for pred (C)", InputDomain.CLASS_INDEX, false, "class indices")
          .optionalInput(
              "weight",
              "(C)",
              InputDomain.NONNEGATIVE,
              false,
              "per-class weights, applied by the true class")
          .name("Multi-class margin")
          .summary(
              "Penalises every wrong class scoring within the margin of the true class: the Weston-Watkins multi-class SVM loss.")
          .formula("l = w_y / C sum_{c != y} max(0, margin - pred_y + pred_c)^power")
          .gradient(
              "dl/dpred_c = w_y / C power max(0, z_c)^(power - 1) for c != y, z_c = margin - pred_y + pred_c;"
                  + " dl/dpred_y = -sum_{c != y} dl/dpred_c")
          .param(
              ParamSpec.real(
                  "margin",
                  1.0,
                  Range.ANY,
                  "the score gap the true class must keep over each other class"))
          .param(
              ParamSpec.integer(
                  "power", 1, Range.closed(1, 2), "exponent of each violation, 1 or 2"))
          .traits(Trait.CONVEX, Trait.NONNEGATIVE)
          .equivalent(
              "torch.nn.functional.multi_margin_loss(pred, target, p=power, margin=margin, weight=weight)",
              "pytorch")
          .whenToUse(
              "Multi-class classification with a maximum-margin objective on raw scores, when every wrong"
                  + " class that comes close should be pushed down (not only the strongest, as in"
                  + " categorical-hinge). Gives no probabilities; power 2 smooths the kink but lets outliers dominate.")
          .reference(
              "Weston and Watkins (1999), Support vector machines for multi-class pattern recognition, ESANN",
              "https://www.esann.org/sites/default/files/proceedings/legacy/es1999-461.pdf")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review",
              "https://arxiv.org/abs/2504.04242")
          // Odd n gives class weights as well, so that the shared tests cover both paths.
          .sampler(
              (p, r, n) ->
                  new Tensor[] {
                    Samples.normal(r, 1, n, SAMPLE_CLASSES),
                    Samples.classes(r, SAMPLE_CLASSES, n),
                    n % 2 == 1 ? Samples.uniform(r, 0.5, 2, SAMPLE_CLASSES) : null
                  })
          .tasks(Task.CLASSIFICATION)
          .build(MultiMarginLoss::new);

  private final double margin;
  private final boolean squared;

  private MultiMarginLoss(Params p) {
    super(SPEC, p);
    this.margin = p.real("margin");
    this.squared = p.integer("power") == 2;
  }

  @Override
  public int[] check(Tensor[] in) {
    Tensor pred = in[0];
    Tensor target = in[1];
    Tensor weight = in[2];
    if (pred.rank() != 1 && pred.rank() != 2) {
      throw new IllegalArgumentException(
          "pred: expected shape (N, C) or (C), found " + Shapes.toString(pred.shape()));
    }
    int classes = pred.dim(-1);
    if (pred.rank() == 2) {
      if (!target.hasShape(pred.dim(0))) {
        throw new IllegalArgumentException(
            "target: expected shape "
                + Shapes.toString(pred.dim(0))
                + " for pred "
                + Shapes.toString(pred.shape())
                + ", found "
                + Shapes.toString(target.shape()));
      }
    } else if (!(target.rank() <= 1 && target.size() == 1)) {
      throw new IllegalArgumentException(
          "target: expected shape () or (1) for pred "
              + Shapes.toString(pred.shape())
              + ", found "
              + Shapes.toString(target.shape()));
    }
    float[] y = target.data();
    for (int i = 0; i < y.length; i++) {
      if (y[i] < 0 || y[i] >= classes) {
        throw new IllegalArgumentException(
            "target: expected class indices in [0, "
                + classes
                + "), found "
                + (long) y[i]
                + " at index "
                + i);
      }
    }
    if (weight != null && !weight.hasShape(classes)) {
      throw new IllegalArgumentException(
          "weight: expected shape "
              + Shapes.toString(classes)
              + " (one per class), found "
              + Shapes.toString(weight.shape()));
    }
    return target.shape();
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    return computeRange(in, values, grads, scale, 0, in[1].size());
  }

  @Override
  public int unitWidth(Tensor[] in) {
    return in[0].dim(-1);
  }

  @Override
  public double computeRange(
      Tensor[] in, float[] values, float[][] grads, double scale, int from, int to) {
    float[] w = in[2] == null ? null : in[2].data();
    float[] g = grads == null ? null : grads[0];
    return Vectorization.kernels()
        .multiMargin(
            in[0].data(),
            in[1].data(),
            w,
            in[0].dim(-1),
            margin,
            squared,
            values,
            g,
            scale,
            from,
            to);
  }
}
