package dev.losskit.segmentation;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Shapes;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Samples;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Lovasz hinge loss: the Lovasz extension of the Jaccard loss applied to hinge errors of logits, a
 * convex surrogate that optimises the intersection over union of binary masks directly.
 *
 * <pre>{@code
 * per image (per-image=true) or over the whole batch, on the m pixels of the group:
 *   s_i = 2 t_i - 1,  e_i = 1 - x_i s_i                          (hinge errors)
 *   sort the errors in decreasing order: e_(1) >= ... >= e_(m), labels t_(k) in that order
 *   J_k = 1 - (T - sum_{j<=k} t_(j)) / (T + sum_{j<=k} (1 - t_(j))),  T = sum t
 *   g_1 = J_1,  g_k = J_k - J_(k-1)                              (lovasz_grad)
 *   L = sum_k max(e_(k), 0) g_k
 *   dL/dx_i = -s_i g_(rank of i) if e_i > 0 else 0
 * }</pre>
 *
 * <p>Inputs: {@code pred} logits {@code (N, ...)}; {@code target} of the same shape, binary labels
 * 0 or 1. Every slice along dim 0 is one image, flattened. The unreduced loss is one value per
 * image ({@code per-image=true}, the default; mean over images) or one scalar over all pixels.
 *
 * <p>The loss is piecewise linear: the gradient is the one the reference algorithm gives under
 * automatic differentiation (the derivative of relu is 0 at 0), exact away from ties between errors
 * and from {@code e_i = 0}; where errors tie, the value does not depend on their order. The sort
 * needs a scratch array of one long per pixel of a group, allocated once per call; the kernel
 * allocates nothing per element.
 *
 * <p>Equals {@code lovasz_hinge(pred, target, per_image=per_image)} of Berman et al.'s reference
 * code (lovasz_losses.py), which the reference values run in PyTorch.
 *
 * @see <a href="https://arxiv.org/abs/1705.08790">Berman, Rannen Triki and Blaschko (2018), The
 *     Lovasz-softmax loss: a tractable surrogate for the optimization of the
 *     intersection-over-union measure in neural networks</a>
 */
public final class LovaszHingeLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("lovasz-hinge", Family.SEGMENTATION)
          .input("pred", "(N, ...)", InputDomain.REAL, true, "logits of binary masks")
          .input("target", "pred's shape", InputDomain.PROBABILITY, false, "binary labels 0 or 1")
          .name("Lovasz hinge")
          .summary(
              "The Lovasz extension of the Jaccard loss on hinge errors of binary-mask logits: a"
                  + " convex, piecewise-linear surrogate of 1 - IoU.")
          .formula(
              "L = sum_k max(e_(k), 0) g_k, e_i = 1 - x_i (2 t_i - 1) sorted decreasingly, g the"
                  + " lovasz_grad of the sorted labels (increments of 1 - IoU)")
          .gradient("dL/dx_i = -(2 t_i - 1) g_(rank of i) where e_i > 0, else 0")
          .param(Masks.perImage(true))
          .traits(Trait.NONNEGATIVE, Trait.CONVEX)
          .equivalent(
              "lovasz_losses.lovasz_hinge(pred, target, per_image=per_image) (Berman et al.)", "")
          .whenToUse(
              "Binary segmentation judged by IoU (per image by default), typically to fine-tune a"
                  + " model first trained with BCE: it optimises the metric's convex surrogate"
                  + " directly. Its gradient is sparse and piecewise constant, and the sort makes it"
                  + " slower than pixel-wise losses.")
          .reference(
              "Berman, Rannen Triki and Blaschko (2018), The Lovasz-softmax loss: a tractable"
                  + " surrogate for the optimization of the intersection-over-union measure in"
                  + " neural networks",
              "https://arxiv.org/abs/1705.08790")
          .sampler(LovaszHingeLoss::sample)
          .tasks(Task.SEGMENTATION)
          .build(LovaszHingeLoss::new);

  private final boolean perImage;

  private LovaszHingeLoss(Params p) {
    super(SPEC, p);
    this.perImage = p.bool("per-image");
  }

  @Override
  public int[] check(Tensor[] in) {
    if (in[0].rank() < 1) {
      throw new IllegalArgumentException(
          "pred: expected shape (N, ...) with at least one dimension, found ()");
    }
    Shapes.requireSame("target", in[1], "pred", in[0]);
    Masks.requireBinary(in[1], "");
    return perImage ? new int[] {in[0].dim(0)} : new int[0];
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] x = in[0].data();
    float[] t = in[1].data();
    float[] g = grads == null ? null : grads[0];
    int n = in[0].dim(0);
    int groups = perImage ? n : 1;
    int size = perImage ? (n == 0 ? 0 : x.length / n) : x.length;
    long[] keys = new long[size];
    double total = 0;
    for (int grp = 0; grp < groups; grp++) {
      int base = grp * size;
      double gts = 0;
      for (int j = 0; j < size; j++) {
        int i = base + j;
        keys[j] = key(1 - x[i] * (2.0 * t[i] - 1), i);
        gts += t[i];
      }
      Arrays.sort(keys, 0, size);
      double loss = 0;
      double prev = 0;
      double fg = 0;
      double bg = 0;
      for (int k = size - 1; k >= 0; k--) {
        int i = index(keys[k]);
        double sign = 2.0 * t[i] - 1;
        double e = 1 - x[i] * sign;
        fg += t[i];
        bg += 1 - t[i];
        double jac = 1 - (gts - fg) / (gts + bg);
        double gk = jac - prev;
        prev = jac;
        if (e > 0) {
          loss += e * gk;
        }
        if (g != null) {
          g[i] = e > 0 ? (float) (-sign * gk * scale) : 0f;
        }
      }
      if (values != null) {
        values[grp] = (float) loss;
      }
      total += loss;
    }
    return total;
  }

  /**
   * Typical inputs for {@code n} images of 3 x 4 pixels: random labels, and logits whose hinge
   * errors are a random permutation of points evenly spread over [-2, 3], none within a quarter of
   * the spacing of 0. So no two errors are closer than 5 / (12 n) and finite differences never
   * cross a kink of this piecewise-linear loss.
   */
  private static Tensor[] sample(Params p, SplittableRandom r, int n) {
    Tensor t = Samples.binary(r, n, 3, 4);
    float[] e = spread(r, t.size(), -2, 3, 0.25);
    float[] x = new float[e.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) ((2.0 * t.data()[i] - 1) * (1 - e[i]));
    }
    return new Tensor[] {Tensor.shaped(x, t.shape()), t};
  }

  /**
   * The points {@code lo + (hi - lo) (k + offset) / m}, k = 0 .. m - 1, in random order: sampled
   * errors that are evenly spread, so that none ties with another within a finite-difference step.
   */
  static float[] spread(SplittableRandom r, int m, double lo, double hi, double offset) {
    float[] out = new float[m];
    for (int k = 0; k < m; k++) {
      out[k] = (float) (lo + (hi - lo) * (k + offset) / m);
    }
    for (int k = m - 1; k > 0; k--) {
      int j = r.nextInt(k + 1);
      float v = out[k];
      out[k] = out[j];
      out[j] = v;
    }
    return out;
  }

  /**
   * A sort key for a decreasing sort by error: the error's float32 value in the high 32 bits (as an
   * int that orders like the float), the element's index in the low 32 bits. An increasing {@link
   * Arrays#sort(long[])} of the keys, read from the end, lists errors in decreasing order.
   */
  static long key(double error, int index) {
    int bits = Float.floatToIntBits((float) error);
    bits ^= (bits >> 31) & 0x7fffffff;
    return ((long) bits << 32) | index;
  }

  /** The element index stored in a {@link #key}. */
  static int index(long key) {
    return (int) key;
  }
}
