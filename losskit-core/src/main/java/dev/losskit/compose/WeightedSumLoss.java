package dev.losskit.compose;

import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.Loss;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Task;
import dev.losskit.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Weighted sum of catalogue losses on one prediction: the composite, multi-task and "combined"
 * losses of the review (bce + dice for masks, L1 + L2 for restoration, several heads' losses), with
 * fixed weights.
 *
 * <pre>{@code
 * L        = sum_i w_i R_i,   R_i = term i reduced with the requested reduction
 * dL/dx    = sum_i w_i dR_i/dx          for x = pred, and var where a term differentiates it
 * none:      l_j = sum_i w_i l_ij       (every term must have the same unreduced shape)
 * }</pre>
 *
 * <p>Terms come from the parameter {@code terms}, e.g. {@code bce:1,focal:2} or {@code
 * mse:1,huber:0.5(delta=2)}: catalogue ids or aliases, each with an optional finite non-negative
 * weight (default 1) and optional parameters in parentheses; or from Java through {@link
 * #builder()} and {@link #of(Map)}.
 *
 * <p>Inputs: {@code pred} and {@code target}, which every term reads as its first and second input,
 * and the optional {@code weight}, {@code pos-weight}, {@code var}, {@code insample} and {@code
 * alpha}, each given to the terms that have an input of that name. Each term checks its own domains
 * and shapes, so a probability loss still rejects a prediction outside [0, 1]. Gradients are
 * returned for {@code pred} and {@code var}; {@code target} and the other inputs are data.
 *
 * <p>Reduction: {@code mean} takes each term's own mean (its own PyTorch denominator, e.g. the
 * total class weight of a weighted cross-entropy), {@code sum} each term's sum, {@code none} the
 * weighted sum of the unreduced values and only when the terms share their unreduced shape. The
 * terms' own default reductions play no part (euclidean, whose default is sum, is averaged under
 * mean); a term that does not allow the requested reduction (rmse allows only mean) is an error.
 * Each term's kernel runs once per evaluation, writing its gradient straight into the output or,
 * for the second and later terms reading an input, into one scratch array per input added to it.
 *
 * <p>Equals {@code sum_i w_i F.loss_i(pred, target, ..., reduction=reduction)} in PyTorch, term by
 * term; the reference values are such sums written with PyTorch's functional losses.
 *
 * @see <a href="https://arxiv.org/abs/2504.04242">Elharrouss et al. (2025), combining multiple
 *     losses</a>
 */
public final class WeightedSumLoss extends CompositeLoss {
  public static final LossSpec SPEC =
      CompositeLoss.sharedInputs(
              LossSpec.builder("weighted-sum", Family.COMPOSE)
                  .input("pred", "as the terms expect", InputDomain.REAL, true, "predictions")
                  .input("target", "as the terms expect", InputDomain.REAL, false, "targets"))
          .name("Weighted sum")
          .summary(
              "A fixed weighted sum of catalogue losses on one prediction, each term reduced on its own.")
          .formula(
              "L = sum_i w_i R_i, R_i = loss_i(pred, target, ...) with the requested reduction")
          .gradient("dL/dpred = sum_i w_i dR_i/dpred (likewise for var)")
          .param(
              ParamSpec.text(
                  "terms",
                  "mse:1,mae:1",
                  "the terms as id:weight(param=value,...), comma-separated, e.g."
                      + " mse:1,huber:0.5(delta=2)"))
          .equivalent(
              "w_1 * F.loss_1(pred, target, reduction=r) + w_2 * F.loss_2(pred, target, reduction=r)"
                  + " + ...",
              "")
          .whenToUse(
              "Training one output with several complementary losses (bce + dice for masks, L1 + L2 or"
                  + " L1 + SSIM for restoration, focal + box terms in detection); the weights are fixed"
                  + " hyperparameters that must be tuned to the terms' scales, so prefer"
                  + " uncertainty-weighted when the terms' magnitudes differ or drift during training.")
          .reference(
              "Elharrouss et al. (2025), Loss functions in deep learning: a comprehensive review,"
                  + " combining multiple losses",
              "https://arxiv.org/abs/2504.04242")
          .reference(
              "Caruana (1997), Multitask learning, Machine Learning 28",
              "https://doi.org/10.1023/A:1007379606734")
          .sampler(WeightedSumLoss::typicalInputs)
          .tasks(Task.DETECTION, Task.SEGMENTATION, Task.IMAGE_TO_IMAGE, Task.INPAINTING)
          .build(WeightedSumLoss::new);

  private final double[] weights;

  private WeightedSumLoss(Params p) {
    this(p, Terms.parse(p.text("terms"), true));
  }

  private WeightedSumLoss(Params p, List<Terms.Term> terms) {
    super(SPEC, p, terms, 0);
    this.weights = new double[terms.size()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = terms.get(i).weight();
    }
  }

  private static Tensor[] typicalInputs(Params p, SplittableRandom r, int n) {
    return new WeightedSumLoss(p).sample(r, n, (in, random) -> {});
  }

  /** The weights of the terms, in order (a copy). */
  public double[] weights() {
    return weights.clone();
  }

  @Override
  int[] checkFor(Reduction reduction, Tensor[] in) {
    return checkTerms(reduction, in);
  }

  @Override
  double computeFor(
      Reduction reduction, Tensor[] in, float[] values, float[][] grads, double scale) {
    return computeTerms(reduction, in, weights, values, grads, scale, new double[weights.length]);
  }

  @Override
  boolean isTermInput(int k) {
    return true;
  }

  /** A builder of weighted sums of {@link Loss} objects. */
  public static Builder builder() {
    return new Builder();
  }

  /** The weighted sum of the map's losses, in its iteration order. */
  public static WeightedSumLoss of(Map<? extends Loss, ? extends Number> terms) {
    Builder b = builder();
    terms.forEach((loss, w) -> b.add(loss, w.doubleValue()));
    return b.build();
  }

  /** Collects terms; {@link #build} checks that their inputs fit together. */
  public static final class Builder {
    private final List<Terms.Term> terms = new ArrayList<>();

    private Builder() {}

    /**
     * Adds {@code weight * loss}.
     *
     * @throws IllegalArgumentException for a weight that is negative or not finite
     */
    public Builder add(Loss loss, double weight) {
      Objects.requireNonNull(loss, "loss");
      if (!(weight >= 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException(
            "weight: expected a finite non-negative number, found " + weight);
      }
      terms.add(new Terms.Term(loss, weight, Terms.render(loss, weight, true)));
      return this;
    }

    /** Adds {@code loss} with weight 1. */
    public Builder add(Loss loss) {
      return add(loss, 1);
    }

    /**
     * The weighted sum; its {@code terms} parameter is the text form of the terms.
     *
     * @throws IllegalArgumentException naming {@code terms} when there is none or their inputs do
     *     not fit
     */
    public WeightedSumLoss build() {
      if (terms.isEmpty()) {
        throw new IllegalArgumentException(
            "parameter terms: expected at least one term, found none");
      }
      StringBuilder text = new StringBuilder();
      for (Terms.Term t : terms) {
        text.append(text.length() == 0 ? "" : ",").append(t.text());
      }
      return new WeightedSumLoss(SPEC.params(Map.of("terms", text.toString())), terms);
    }
  }
}
