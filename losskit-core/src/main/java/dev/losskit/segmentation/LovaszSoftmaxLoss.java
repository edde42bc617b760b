package dev.losskit.segmentation;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Lovasz-softmax loss: the Lovasz extension of each class's Jaccard loss applied to the errors of
 * class probabilities, a convex surrogate of the mean intersection over union of multi-class
 * segmentation.
 *
 * <pre>{@code
 * per image (per-image=true) or over the whole batch, on the m pixels not ignored, for each class c:
 *   f_i = 1 if target_i = c else 0,  e_i = |f_i - p_ic|
 *   sort the errors in decreasing order, f_(k) in that order, F = sum f
 *   J_k = 1 - (F - sum_{j<=k} f_(j)) / (F + sum_{j<=k} (1 - f_(j))),  g_1 = J_1, g_k = J_k - J_(k-1)
 *   L_c = sum_k e_(k) g_k,  dL_c/dp_ic = g_(rank of i) sign(p_ic - f_i)
 * L = mean of L_c over the classes counted: all, or (classes=present) those present in the target
 *     of the group; 0 when no class is counted or no pixel is left
 * }</pre>
 *
 * <p>Inputs: {@code pred} {@code (N, C, d1, ..., dk)}, class probabilities (e.g. a softmax output);
 * {@code target} {@code (N, d1, ..., dk)}, class indices in [0, C) or {@code ignore-index} (left
 * out). The unreduced loss is a scalar (the default, {@code per-image=false}) or one value per
 * image, whose mean is over images (images with no pixel left count as 0).
 *
 * <p>The loss is piecewise linear: the gradient is the one the reference algorithm gives under
 * automatic differentiation (the derivative of |.| is 0 at 0), exact away from ties between errors;
 * where errors tie, the value does not depend on their order. The sort needs a scratch array of one
 * long per pixel of a group, allocated once per call; the kernel allocates nothing per element.
 *
 * <p>Equals {@code lovasz_softmax(pred, target, classes=classes, per_image=per_image,
 * ignore=ignore_index)} of Berman et al.'s reference code (lovasz_losses.py), which the reference
 * values run in PyTorch.
 *
 * @see <a href="https://arxiv.org/abs/1705.08790">Berman, Rannen Triki and Blaschko (2018), The
 *     Lovasz-softmax loss: a tractable surrogate for the optimization of the
 *     intersection-over-union measure in neural networks</a>
 */
public final class LovaszSoftmaxLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("lovasz-softmax", Family.SEGMENTATION)
          .input(
              "pred",
              "(N, C, d1, ..., dk)",
              InputDomain.PROBABILITY,
              true,
              "class probabilities along dim 1")
          .input(
              "target",
              "(N, d1, ..., dk)",
              InputDomain.CLASS_INDEX,
              false,
              "class indices in [0, C), or ignore-index")
          .name("Lovasz-softmax")
          .summary(
              "The Lovasz extension of each class's Jaccard loss on probability errors, averaged"
                  + " over classes: a convex surrogate of 1 - mean IoU.")
          .formula(
              "L = mean over counted classes c of sum_k e_(k) g_k, e_i = |[t_i = c] - p_ic| sorted"
                  + " decreasingly, g the lovasz_grad of the sorted foreground")
          .gradient("dL/dp_ic = g_(rank of i) sign(p_ic - [t_i = c]) / (number of counted classes)")
          .param(
              ParamSpec.choice(
                  "classes",
                  "present",
                  List.of("present", "all"),
                  "average over the classes present in the target, or over all classes"))
          .param(Masks.perImage(false))
          .param(Masks.ignoreIndex())
          .traits(Trait.NONNEGATIVE, Trait.BOUNDED, Trait.CONVEX)
          .equivalent(
              "lovasz_losses.lovasz_softmax(pred, target, classes=classes, per_image=per_image,"
                  + " ignore=ignore_index) (Berman et al.)",
              "")
          .whenToUse(
              "Multi-class semantic segmentation judged by mean IoU, on softmax outputs, often to"
                  + " fine-tune after cross-entropy: it optimises a tight convex surrogate of the"
                  + " metric. Its gradient is sparse and piecewise constant and the per-class sort"
                  + " costs more than pixel-wise losses.")
          .reference(
              "Berman, Rannen Triki and Blaschko (2018), The Lovasz-softmax loss: a tractable"
                  + " surrogate for the optimization of the intersection-over-union measure in"
                  + " neural networks",
              "https://arxiv.org/abs/1705.08790")
          .sampler(LovaszSoftmaxLoss::sample)
          .tasks(Task.SEGMENTATION)
          .build(LovaszSoftmaxLoss::new);

  private final boolean present;
  private final boolean perImage;
  private final long ignoreIndex;

  private LovaszSoftmaxLoss(Params p) {
    super(SPEC, p);
    this.present = p.text("classes").equals("present");
    this.perImage = p.bool("per-image");
    this.ignoreIndex = p.integer("ignore-index");
  }

  /**
   * Typical inputs for {@code n} images of 3 x 4 pixels and 3 classes: class indices with one pixel
   * in eight at {@code ignore-index}, and probabilities whose errors {@code |[t = c] - p|} are, per
   * class, a random permutation of points evenly spread over [0.02, 0.98]. So no two errors of a
   * class are closer than 0.96 / (12 n) and finite differences never cross a kink of this
   * piecewise-linear loss. (The probabilities are not normalised over the classes; the loss does
   * not need it.)
   */
  private static Tensor[] sample(Params p, SplittableRandom r, int n) {
    int[] y = new int[n * 12];
    for (int i = 0; i < y.length; i++) {
      y[i] = r.nextInt(8) == 0 ? (int) p.integer("ignore-index") : r.nextInt(3);
    }
    float[] x = new float[n * 36];
    for (int c = 0; c < 3; c++) {
      float[] e = LovaszHingeLoss.spread(r, y.length, 0.02, 0.98, 0.5);
      for (int j = 0; j < y.length; j++) {
        int i = ((j / 12) * 3 + c) * 12 + j % 12;
        x[i] = y[j] == c ? 1 - e[j] : e[j];
      }
    }
    return new Tensor[] {Tensor.shaped(x, new int[] {n, 3, 3, 4}), Tensor.indices(y, n, 3, 4)};
  }

  @Override
  public int[] check(Tensor[] in) {
    Masks.check(in[0], in[1], null, false, true, ignoreIndex, false);
    return perImage ? new int[] {in[0].dim(0)} : new int[0];
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    Masks m = Masks.of(in[0], in[1], false, false);
    float[] x = in[0].data();
    float[] y = in[1].data();
    float[] g = grads == null ? null : grads[0];
    if (g != null) {
      Arrays.fill(g, 0f);
    }
    int classes = m.classes;
    int spatial = m.spatial;
    int groups = perImage ? m.batch : 1;
    int perGroup = perImage ? spatial : m.batch * spatial;
    long[] keys = new long[perGroup];
    boolean[] counted = new boolean[classes];
    double total = 0;
    for (int grp = 0; grp < groups; grp++) {
      int from = perImage ? grp * spatial : 0;
      int to = from + perGroup;
      int valid = 0;
      Arrays.fill(counted, !present);
      for (int j = from; j < to; j++) {
        if (y[j] != ignoreIndex) {
          valid++;
          counted[(int) y[j]] = true;
        }
      }
      int count = 0;
      for (boolean b : counted) {
        count += b ? 1 : 0;
      }
      double loss = 0;
      if (valid > 0 && count > 0) {
        double k = scale / count;
        for (int c = 0; c < classes; c++) {
          if (counted[c]) {
            loss += classLoss(m, x, y, c, from, to, keys, g, k);
          }
        }
        loss /= count;
      }
      if (values != null) {
        values[grp] = (float) loss;
      }
      total += loss;
    }
    return total;
  }

  /**
   * The Lovasz loss of class {@code c} over pixels {@code [from, to)} (as indices into the target),
   * writing {@code k} times its gradient into {@code g} when not null.
   */
  private double classLoss(
      Masks m, float[] x, float[] y, int c, int from, int to, long[] keys, float[] g, double k) {
    int spatial = m.spatial;
    int len = 0;
    double fgs = 0;
    for (int j = from; j < to; j++) {
      if (y[j] == ignoreIndex) {
        continue;
      }
      double f = y[j] == c ? 1 : 0;
      double p = x[m.predIndex(j / spatial, c, j % spatial)];
      keys[len++] = LovaszHingeLoss.key(Math.abs(f - p), j);
      fgs += f;
    }
    Arrays.sort(keys, 0, len);
    double loss = 0;
    double prev = 0;
    double fg = 0;
    double bg = 0;
    for (int r = len - 1; r >= 0; r--) {
      int j = LovaszHingeLoss.index(keys[r]);
      double f = y[j] == c ? 1 : 0;
      int i = m.predIndex(j / spatial, c, j % spatial);
      double p = x[i];
      fg += f;
      bg += 1 - f;
      double jac = 1 - (fgs - fg) / (fgs + bg);
      double gk = jac - prev;
      prev = jac;
      loss += Math.abs(f - p) * gk;
      if (g != null) {
        g[i] = (float) (k * gk * Math.signum(p - f));
      }
    }
    return loss;
  }
}
