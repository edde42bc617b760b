package dev.losskit.compose;

import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.Loss;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Shapes;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.internal.Numerics;
import dev.losskit.internal.Samples;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Multi-task loss weighted by learned homoscedastic uncertainty (Kendall et al. 2018): each task
 * loss is scaled by a learned precision exp(-s_i) and the log-variance s_i is added as a penalty,
 * so that training itself balances tasks whose losses have different units or scales.
 *
 * <pre>{@code
 * L          = sum_i exp(-s_i) R_i + s_i,   R_i = term i reduced with the requested reduction
 * dL/dpred   = sum_i exp(-s_i) dR_i/dpred   (likewise for var)
 * dL/ds_i    = 1 - exp(-s_i) R_i
 * }</pre>
 *
 * <p>For fixed task losses the minimum over s is at exp(-s_i) = 1 / R_i (a task's weight follows
 * the inverse of its loss), where L = sum_i (1 + log R_i).
 *
 * <p>Terms come from the parameter {@code terms}, e.g. {@code mse,huber(delta=2)}: catalogue ids or
 * aliases with optional parameters, as for {@code weighted-sum} but without weights, which would
 * only shift the learned s_i by log w_i and are refused; or from Java through {@link #of(Loss...)}.
 *
 * <p>Inputs: {@code pred} and {@code target}, every term's first and second input; {@code log-var}
 * s, one finite log-variance per term, shape {@code (K)}; and the optional {@code weight}, {@code
 * pos-weight}, {@code var}, {@code insample} and {@code alpha}, given to the terms that have an
 * input of that name. Each term checks its own domains and shapes. Gradients are returned for
 * {@code pred}, {@code log-var} and {@code var}.
 *
 * <p>Reduction: {@code mean} takes each term's own mean (its PyTorch denominator) and {@code sum}
 * each term's sum before the precisions apply; s_i is added once in both. There is no {@code none}:
 * the s_i belong to no element.
 *
 * <p>Numerical notes: exp(-s) is continued by its tangent line below s = -44 (a variance below
 * 1e-19), where it reaches 1.3e19, so that a log-variance of -1000 still gives finite values and
 * gradients; above that point the formula is exact. The loss is unbounded below when a term can
 * reach 0 (s_i then decreases without end) or be negative (a Gaussian NLL), as in the paper.
 *
 * <p>Equals {@code sum_i torch.exp(-s[i]) * F.loss_i(pred, target, ..., reduction=reduction) +
 * s[i]} in PyTorch; the reference values are such sums written with PyTorch's functional losses.
 * Kendall et al.'s regression form {@code R / (2 sigma^2) + log sigma} is half of this with s = log
 * sigma^2; both have the same minimiser.
 *
 * @see <a href="https://arxiv.org/abs/1705.07115">Kendall, Gal, Cipolla (2018), Multi-task learning
 *     using uncertainty to weigh losses</a>
 */
public final class UncertaintyWeightedLoss extends CompositeLoss {
  /** Below s = -CAP the precision exp(-s) continues along its tangent line. */
  private static final double CAP = 44;

  public static final LossSpec SPEC =
      CompositeLoss.sharedInputs(
              LossSpec.builder("uncertainty-weighted", Family.COMPOSE)
                  .input("pred", "as the terms expect", InputDomain.REAL, true, "predictions")
                  .input("target", "as the terms expect", InputDomain.REAL, false, "targets")
                  .input(
                      "log-var",
                      "(K), one per term",
                      InputDomain.REAL,
                      true,
                      "learned log-variances s of the terms"))
          .name("Uncertainty-weighted sum")
          .summary(
              "A multi-task sum whose weights exp(-s_i) are learned with the log-variances s_i"
                  + " (Kendall et al.).")
          .formula("L = sum_i exp(-s_i) R_i + s_i, R_i = loss_i(pred, target, ...) reduced")
          .gradient("dL/dpred = sum_i exp(-s_i) dR_i/dpred; dL/ds_i = 1 - exp(-s_i) R_i")
          .param(
              ParamSpec.text(
                  "terms",
                  "mse,mae",
                  "the terms as id(param=value,...), comma-separated, without weights, e.g."
                      + " mse,huber(delta=2)"))
          .onlyReductions(Reduction.MEAN, Reduction.SUM)
          .equivalent(
              "torch.exp(-s[0]) * F.loss_0(pred, target, reduction=r) + s[0] + torch.exp(-s[1]) *"
                  + " F.loss_1(pred, target, reduction=r) + s[1] + ...",
              "")
          .whenToUse(
              "Multi-task training whose task losses differ in units or scale (depth regression with"
                  + " segmentation, classification with box regression), instead of a grid search"
                  + " over fixed weights; a task whose loss can reach zero or go negative pulls its"
                  + " log-variance down without limit, so use it with likelihood-like losses that stay"
                  + " positive.")
          .reference(
              "Kendall, Gal, Cipolla (2018), Multi-task learning using uncertainty to weigh losses for"
                  + " scene geometry and semantics, CVPR",
              "https://arxiv.org/abs/1705.07115")
          .sampler(UncertaintyWeightedLoss::typicalInputs)
          .tasks(Task.REGRESSION, Task.DETECTION, Task.SEGMENTATION)
          .build(UncertaintyWeightedLoss::new);

  private static final int LOG_VAR = 2;

  private UncertaintyWeightedLoss(Params p) {
    this(p, Terms.parse(p.text("terms"), false));
  }

  private UncertaintyWeightedLoss(Params p, List<Terms.Term> terms) {
    super(SPEC, p, terms, 1);
  }

  /** Log-variances in [-0.5, 1], around the usual start s = 0. */
  private static Tensor[] typicalInputs(Params p, SplittableRandom r, int n) {
    UncertaintyWeightedLoss loss = new UncertaintyWeightedLoss(p);
    int k = loss.wired().size();
    return loss.sample(r, n, (in, random) -> in[LOG_VAR] = Samples.uniform(random, -0.5, 1, k));
  }

  /** The uncertainty-weighted sum of these losses. */
  public static UncertaintyWeightedLoss of(Loss... terms) {
    return of(List.of(terms));
  }

  /**
   * The uncertainty-weighted sum of these losses, in order.
   *
   * @throws IllegalArgumentException naming {@code terms} when there is none or their inputs do not
   *     fit
   */
  public static UncertaintyWeightedLoss of(List<? extends Loss> terms) {
    if (terms.isEmpty()) {
      throw new IllegalArgumentException("parameter terms: expected at least one term, found none");
    }
    List<Terms.Term> parsed = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (Loss loss : terms) {
      Objects.requireNonNull(loss, "loss");
      String t = Terms.render(loss, 1, false);
      parsed.add(new Terms.Term(loss, 1, t));
      text.append(text.length() == 0 ? "" : ",").append(t);
    }
    return new UncertaintyWeightedLoss(SPEC.params(Map.of("terms", text.toString())), parsed);
  }

  /** exp(-s), continued by its tangent line below s = -CAP. */
  static double precision(double s) {
    return Numerics.expTangentAbove(-s, CAP);
  }

  @Override
  int[] checkFor(Reduction reduction, Tensor[] in) {
    int k = wired().size();
    if (!in[LOG_VAR].hasShape(k)) {
      throw new IllegalArgumentException(
          "log-var: expected one log-variance per term, shape ("
              + k
              + "), found "
              + Shapes.toString(in[LOG_VAR].shape()));
    }
    return checkTerms(reduction, in);
  }

  @Override
  double computeFor(
      Reduction reduction, Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] s = in[LOG_VAR].data();
    int k = s.length;
    double[] coef = new double[k];
    for (int i = 0; i < k; i++) {
      coef[i] = precision(s[i]);
    }
    double[] reduced = new double[k];
    double total = computeTerms(reduction, in, coef, values, grads, scale, reduced);
    float[] gs = grads == null ? null : grads[LOG_VAR];
    for (int i = 0; i < k; i++) {
      total += s[i];
      if (gs != null) {
        double slope = Math.exp(Math.min(-(double) s[i], CAP));
        gs[i] = (float) (scale * (1 - slope * reduced[i]));
      }
    }
    return total;
  }

  @Override
  boolean isTermInput(int k) {
    return k != LOG_VAR;
  }
}
