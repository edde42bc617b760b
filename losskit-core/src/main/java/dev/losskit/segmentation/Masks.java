package dev.losskit.segmentation;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.Shapes;
import dev.losskit.Tensor;
import dev.losskit.internal.Numerics;
import dev.losskit.internal.Samples;
import dev.losskit.internal.vectorization.Vectorization;
import java.util.SplittableRandom;

/**
 * The mask and class bookkeeping shared by the segmentation losses: how {@code pred} and {@code
 * target} are laid out, their checks, and the two-pass kernel of the region losses (Dice, Jaccard,
 * Tversky and their variants).
 *
 * <h2>Layouts</h2>
 *
 * <ul>
 *   <li>An <em>integral</em> target holds class indices along dim 1 of {@code pred}: {@code pred
 *       (N, C, d1, ..., dk)}, {@code target (N, d1, ..., dk)}, indices in [0, C); a pixel whose
 *       index equals {@code ignore-index} is left out of every sum and gets a zero gradient.
 *   <li>A <em>floating</em> target has the shape of {@code pred}. With rank 4 or more, dim 1 holds
 *       the classes (one-hot or soft targets; C = 1 is a binary mask). With rank 3 or less, every
 *       sample is one binary mask: {@code (N, H, W)}, {@code (N, L)}, {@code (N)}.
 * </ul>
 *
 * <p>So every element of {@code pred} is {@code (n, c, s)}: image n, class c (0 for binary masks),
 * pixel s of the image's {@code spatial} pixels, at index {@code (n * classes + c) * spatial + s}.
 * With {@code from-logits}, probabilities are the sigmoid of a binary mask's logits and the softmax
 * over dim 1 of multi-class logits.
 *
 * <h2>The region kernel</h2>
 *
 * <p>Pass one accumulates, per group (the whole batch, or each image with {@code per-image}) and
 * per class, {@code I = sum p t}, {@code P = sum p}, {@code T = sum t}, {@code Q = sum p^2} and
 * {@code R = sum t^2} over the pixels not ignored. Each class's loss {@code L_c} and its partial
 * derivatives with respect to I, P and Q come from a {@link Region}; the group's loss is {@code
 * sum_c w_c L_c / sum_c w_c} ({@code w_c = 1} without {@code class-weight}). Pass two writes, per
 * element, {@code dL/dp = dL/dI t + dL/dP + 2 dL/dQ p}, then applies the chain rule of the sigmoid
 * or softmax. The kernel allocates a few arrays of size groups x classes per call and nothing per
 * element.
 *
 * <p>With a floating target and no softmax (binary masks, or several classes with one-hot or soft
 * targets), every (image, class) plane is a contiguous run of {@code spatial} elements of pred and
 * target: both passes then run plane by plane in a {@link RegionKernel} (float lanes when the
 * Vector API is there), a group's second pass right after its first. Class indices and softmax take
 * the per-pixel loops, with one exponential per element and pass.
 */
final class Masks {
  /** The per-class loss of a region loss, from the class's sums. */
  interface Region {
    /**
     * Returns the loss of one class and writes {@code dL/dI}, {@code dL/dP} and {@code dL/dQ} into
     * {@code d[0]}, {@code d[1]} and {@code d[2]}, which arrive zeroed ({@code dL/dT} and {@code
     * dL/dR} are not needed: targets get no gradient).
     */
    double classLoss(
        double inter, double psum, double tsum, double p2sum, double t2sum, double[] d);
  }

  /**
   * The domain declared for a {@code pred} that holds probabilities, or logits with {@code
   * from-logits=true}: any finite number, the range of probabilities being checked by {@link
   * #check} when {@code from-logits} is false.
   */
  static final InputDomain PRED_DOMAIN = InputDomain.PROBABILITY_OR_LOGIT;

  /** The number of statistics accumulated per group and class. */
  private static final int STATS = 5;

  final int batch;
  final int classes;
  final int spatial;
  final boolean indices;
  final boolean sigmoid;
  final boolean softmax;

  private Masks(int batch, int classes, int spatial, boolean indices, boolean fromLogits) {
    this.batch = batch;
    this.classes = classes;
    this.spatial = spatial;
    this.indices = indices;
    this.sigmoid = fromLogits && classes == 1;
    this.softmax = fromLogits && classes > 1;
  }

  /** Whether the layout reads dim 1 of {@code pred} as classes. */
  private static boolean classesAlongDim1(Tensor pred, Tensor target, boolean binaryOnly) {
    return !binaryOnly && (target.isIntegral() || pred.rank() >= 4);
  }

  /** The layout of checked inputs; see the class comment. */
  static Masks of(Tensor pred, Tensor target, boolean fromLogits, boolean binaryOnly) {
    int[] shape = pred.shape();
    boolean idx = !binaryOnly && target.isIntegral();
    int n = shape[0];
    if (classesAlongDim1(pred, target, binaryOnly)) {
      return new Masks(n, shape[1], Shapes.size(shape, 2, shape.length), idx, fromLogits);
    }
    return new Masks(n, 1, Shapes.size(shape, 1, shape.length), idx, fromLogits);
  }

  /** The spatial dimensions {@code (d1, ..., dk)} of an image. */
  static int[] spatialShape(Tensor pred, Tensor target, boolean binaryOnly) {
    int[] shape = pred.shape();
    int from = classesAlongDim1(pred, target, binaryOnly) ? 2 : 1;
    int[] out = new int[shape.length - from];
    System.arraycopy(shape, from, out, 0, out.length);
    return out;
  }

  /**
   * Checks the shapes of {@code pred}, {@code target} and {@code classWeight} (null when absent),
   * the range of class indices and, unless {@code fromLogits}, that {@code pred} holds
   * probabilities; returns the layout.
   *
   * @param ignoring whether {@code ignoreIndex} marks pixels to leave out
   * @param binaryOnly whether only binary masks are accepted: a target of pred's shape, every
   *     element of which is one pixel of the sample's mask (an integral target is read as a 0/1
   *     mask)
   */
  static Masks check(
      Tensor pred,
      Tensor target,
      Tensor classWeight,
      boolean fromLogits,
      boolean ignoring,
      long ignoreIndex,
      boolean binaryOnly) {
    if (pred.rank() < 1) {
      throw new IllegalArgumentException(
          "pred: expected shape (N, ...) with at least one dimension, found ()");
    }
    if (!binaryOnly && target.isIntegral()) {
      if (pred.rank() < 2) {
        throw new IllegalArgumentException(
            "pred: expected shape (N, C, d1, ..., dk) with class-index targets, found "
                + Shapes.toString(pred.shape()));
      }
      if (pred.dim(1) == 0) {
        throw new IllegalArgumentException(
            "pred: expected at least one class along dim 1, found "
                + Shapes.toString(pred.shape()));
      }
      int[] expected = Shapes.drop(pred.shape(), 1);
      if (!target.hasShape(expected)) {
        throw new IllegalArgumentException(
            "target: expected class indices of shape "
                + Shapes.toString(expected)
                + " (pred's shape without dim 1), or a floating mask of pred's shape, found "
                + Shapes.toString(target.shape()));
      }
      checkIndices(target, pred.dim(1), ignoring, ignoreIndex);
    } else {
      Shapes.requireSame("target", target, "pred", pred);
      if (binaryOnly && pred.rank() >= 4 && pred.dim(1) != 1) {
        throw new IllegalArgumentException(
            "pred: expected binary masks (N, d1, ..., dk) of rank at most 3 or (N, 1, d1, ..., dk),"
                + " found "
                + Shapes.toString(pred.shape()));
      }
    }
    Masks m = of(pred, target, fromLogits, binaryOnly);
    if (m.classes == 0) {
      throw new IllegalArgumentException(
          "pred: expected at least one class along dim 1, found " + Shapes.toString(pred.shape()));
    }
    if (!fromLogits) {
      requireProbabilities(pred);
    }
    if (classWeight != null) {
      if (!classWeight.hasShape(m.classes)) {
        throw new IllegalArgumentException(
            "class-weight: expected shape ("
                + m.classes
                + "), one weight per class, found "
                + Shapes.toString(classWeight.shape()));
      }
      double sum = 0;
      for (float w : classWeight.data()) {
        sum += w;
      }
      if (!(sum > 0)) {
        throw new IllegalArgumentException(
            "class-weight: expected at least one positive weight, found only zeros");
      }
    }
    return m;
  }

  /** Throws unless every value of {@code pred} is a probability. */
  static void requireProbabilities(Tensor pred) {
    float[] x = pred.data();
    if (Vectorization.kernels().allWithin(x, 0f, 1f, false)) {
      return;
    }
    // Something is outside: find the first offending element for the message.
    for (int i = 0; i < x.length; i++) {
      if (!(x[i] >= 0 && x[i] <= 1)) {
        throw new IllegalArgumentException(
            "pred: expected probabilities in [0, 1] (or logits with from-logits=true), found "
                + x[i]
                + " at index "
                + i);
      }
    }
  }

  /** Throws unless every value of {@code target} is 0 or 1. */
  static void requireBinary(Tensor target, String why) {
    float[] t = target.data();
    for (int i = 0; i < t.length; i++) {
      if (t[i] != 0 && t[i] != 1) {
        throw new IllegalArgumentException(
            "target: expected binary labels 0 or 1" + why + ", found " + t[i] + " at index " + i);
      }
    }
  }

  private static void checkIndices(Tensor target, int classes, boolean ignoring, long ignore) {
    float[] y = target.data();
    for (int i = 0; i < y.length; i++) {
      float v = y[i];
      if (ignoring && v == ignore) {
        continue;
      }
      if (!(v >= 0 && v < classes)) {
        throw new IllegalArgumentException(
            "target: expected class indices in [0, "
                + classes
                + ")"
                + (ignoring ? " or ignore-index " + ignore : "")
                + ", found "
                + (long) v
                + " at index "
                + i);
      }
    }
  }

  /** Index of element (n, c, s) of pred. */
  int predIndex(int n, int c, int s) {
    return (n * classes + c) * spatial + s;
  }

  /**
   * Runs the region kernel on checked inputs {@code pred}, {@code target}, {@code classWeight}
   * (null when absent); see the class comment. Writes one value per group into {@code values} (when
   * not null) and overwrites {@code grad} (when not null) with {@code scale} times the derivative
   * of the sum of the group values with respect to {@code pred}. Returns that sum.
   */
  double region(
      Region f,
      Tensor pred,
      Tensor target,
      Tensor classWeight,
      boolean ignoring,
      long ignoreIndex,
      boolean perImage,
      float[] values,
      float[] grad,
      double scale) {
    float[] x = pred.data();
    float[] t = target.data();
    int groups = perImage ? batch : 1;
    double[] stats = new double[Math.max(1, groups * classes * STATS)];
    double[] coef = grad == null ? null : new double[Math.max(1, groups * classes * 3)];
    float[] w = classWeight == null ? null : classWeight.data();
    double[] d = new double[3];
    if (!indices && !softmax) {
      return regionPlanes(f, x, t, w, perImage, values, grad, scale, stats, coef, d);
    }
    double[] probs = new double[classes];
    for (int n = 0; n < batch; n++) {
      int g = perImage ? n : 0;
      for (int s = 0; s < spatial; s++) {
        int label = -1;
        if (indices) {
          float y = t[n * spatial + s];
          if (ignoring && y == ignoreIndex) {
            continue;
          }
          label = (int) y;
        }
        probabilities(x, n, s, probs);
        for (int c = 0; c < classes; c++) {
          double p = probs[c];
          double tc = indices ? (label == c ? 1 : 0) : t[predIndex(n, c, s)];
          int o = (g * classes + c) * STATS;
          stats[o] += p * tc;
          stats[o + 1] += p;
          stats[o + 2] += tc;
          stats[o + 3] += p * p;
          stats[o + 4] += tc * tc;
        }
      }
    }
    double total = 0;
    for (int g = 0; g < groups; g++) {
      total += groupLoss(f, g, stats, w, values, coef, scale, d);
    }
    if (grad != null) {
      regionGradient(coef, x, t, ignoring, ignoreIndex, perImage, grad);
    }
    return total;
  }

  /**
   * The region kernel where every (image, class) plane is a contiguous run of pred with its
   * floating target at the same indices (no class indices, no softmax): both passes run plane by
   * plane in the selected {@link RegionKernel}, group after group, so that a group's second pass
   * finds its planes still in cache.
   */
  private double regionPlanes(
      Region f,
      float[] x,
      float[] t,
      float[] w,
      boolean perImage,
      float[] values,
      float[] grad,
      double scale,
      double[] stats,
      double[] coef,
      double[] d) {
    RegionKernel k = RegionKernel.selected();
    int groups = perImage ? batch : 1;
    double total = 0;
    for (int g = 0; g < groups; g++) {
      int first = perImage ? g : 0;
      int last = perImage ? g + 1 : batch;
      for (int n = first; n < last; n++) {
        for (int c = 0; c < classes; c++) {
          int from = predIndex(n, c, 0);
          k.sums(x, t, from, from + spatial, sigmoid, stats, (g * classes + c) * STATS);
        }
      }
      total += groupLoss(f, g, stats, w, values, coef, scale, d);
      if (grad == null) {
        continue;
      }
      for (int n = first; n < last; n++) {
        for (int c = 0; c < classes; c++) {
          int from = predIndex(n, c, 0);
          int o = (g * classes + c) * 3;
          k.gradient(x, t, from, from + spatial, sigmoid, coef[o], coef[o + 1], coef[o + 2], grad);
        }
      }
    }
    return total;
  }

  /**
   * The loss of group {@code g} from its sums, written to {@code values[g]} when {@code values} is
   * not null; with {@code coef}, also the group's scaled gradient coefficients per class: {@code
   * dL/dp = coef[0] t + coef[1] + coef[2] p}. {@code d} is scratch of 3 doubles.
   */
  private double groupLoss(
      Region f,
      int g,
      double[] stats,
      float[] w,
      float[] values,
      double[] coef,
      double scale,
      double[] d) {
    double wsum = 0;
    for (int c = 0; c < classes; c++) {
      wsum += w == null ? 1 : w[c];
    }
    double loss = 0;
    for (int c = 0; c < classes; c++) {
      int o = (g * classes + c) * STATS;
      double wc = (w == null ? 1 : w[c]) / wsum;
      d[0] = 0;
      d[1] = 0;
      d[2] = 0;
      double l = f.classLoss(stats[o], stats[o + 1], stats[o + 2], stats[o + 3], stats[o + 4], d);
      loss += wc * l;
      if (coef != null) {
        int k = (g * classes + c) * 3;
        coef[k] = scale * wc * d[0];
        coef[k + 1] = scale * wc * d[1];
        coef[k + 2] = scale * wc * 2 * d[2];
      }
    }
    if (values != null) {
      values[g] = (float) loss;
    }
    return loss;
  }

  private void regionGradient(
      double[] coef,
      float[] x,
      float[] t,
      boolean ignoring,
      long ignoreIndex,
      boolean perImage,
      float[] grad) {
    double[] probs = new double[classes];
    double[] dprobs = new double[classes];
    for (int n = 0; n < batch; n++) {
      int g = perImage ? n : 0;
      for (int s = 0; s < spatial; s++) {
        int label = -1;
        if (indices) {
          float y = t[n * spatial + s];
          if (ignoring && y == ignoreIndex) {
            for (int c = 0; c < classes; c++) {
              grad[predIndex(n, c, s)] = 0f;
            }
            continue;
          }
          label = (int) y;
        }
        if (softmax) {
          probabilities(x, n, s, probs);
          double dot = 0;
          for (int c = 0; c < classes; c++) {
            int i = predIndex(n, c, s);
            dprobs[c] = dprob(coef, g, c, probs[c], indices ? (label == c ? 1 : 0) : t[i]);
            dot += probs[c] * dprobs[c];
          }
          for (int c = 0; c < classes; c++) {
            grad[predIndex(n, c, s)] = (float) (probs[c] * (dprobs[c] - dot));
          }
        } else {
          for (int c = 0; c < classes; c++) {
            int i = predIndex(n, c, s);
            double tc = indices ? (label == c ? 1 : 0) : t[i];
            if (sigmoid) {
              // p (1 - p) = e / (1 + e)^2 with e = exp(-|x|): one exponential, no cancellation.
              double e = Math.exp(-Math.abs(x[i]));
              double inv = 1 / (1 + e);
              double p = x[i] >= 0 ? inv : e * inv;
              grad[i] = (float) (dprob(coef, g, c, p, tc) * (e * inv * inv));
            } else {
              grad[i] = (float) dprob(coef, g, c, x[i], tc);
            }
          }
        }
      }
    }
  }

  /** The scaled derivative of the loss with respect to one probability. */
  private double dprob(double[] coef, int g, int c, double p, double tc) {
    int k = (g * classes + c) * 3;
    return coef[k] * tc + coef[k + 1] + coef[k + 2] * p;
  }

  /**
   * Writes the probabilities of pixel {@code s} of image {@code n} into {@code p[0, classes)}: pred
   * itself, its sigmoid, or the softmax over classes (one exponential per class).
   */
  private void probabilities(float[] x, int n, int s, double[] p) {
    int base = predIndex(n, 0, s);
    if (softmax) {
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        max = Math.max(max, x[base + c * spatial]);
      }
      double z = 0;
      for (int c = 0; c < classes; c++) {
        p[c] = Math.exp(x[base + c * spatial] - max);
        z += p[c];
      }
      for (int c = 0; c < classes; c++) {
        p[c] /= z;
      }
      return;
    }
    for (int c = 0; c < classes; c++) {
      float xi = x[base + c * spatial];
      p[c] = sigmoid ? Numerics.sigmoid(xi) : xi;
    }
  }

  /**
   * The region losses' common part: parameters {@code smooth}, {@code per-image}, {@code
   * from-logits} and {@code ignore-index}, the checks, and the kernel; a subclass gives the loss of
   * one class.
   */
  abstract static class RegionLoss extends AbstractLoss implements Region {
    final double smooth;
    final boolean perImage;
    final boolean fromLogits;
    final long ignoreIndex;

    RegionLoss(LossSpec spec, Params p) {
      super(spec, p);
      this.smooth = p.real("smooth");
      this.perImage = p.bool("per-image");
      this.fromLogits = p.bool("from-logits");
      this.ignoreIndex = p.integer("ignore-index");
    }

    /** The unreduced shape: {@code (N)} per image, else a scalar. */
    @Override
    public final int[] check(Tensor[] in) {
      Masks.check(in[0], in[1], in[2], fromLogits, true, ignoreIndex, false);
      return perImage ? new int[] {in[0].dim(0)} : new int[0];
    }

    @Override
    public final double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
      Masks m = of(in[0], in[1], fromLogits, false);
      float[] g = grads == null ? null : grads[0];
      return m.region(this, in[0], in[1], in[2], true, ignoreIndex, perImage, values, g, scale);
    }
  }

  // ---------------------------------------------------------------- catalogue entries

  /** Starts the entry of a region loss: inputs pred, target and class-weight. */
  static LossSpec.Builder regionSpec(String id) {
    return LossSpec.builder(id, Family.SEGMENTATION)
        .input(
            "pred",
            "(N, C, d1, ..., dk), or binary masks (N, d1, ..., dk) / (N, 1, d1, ..., dk)",
            PRED_DOMAIN,
            true,
            "probabilities in [0, 1] (logits with from-logits=true)")
        .input(
            "target",
            "(N, d1, ..., dk) class indices, or pred's shape (masks, one-hot or soft targets)",
            InputDomain.CLASS_INDEX_OR_PROBABILITY,
            false,
            "class indices (integer tensor) or target probabilities")
        .optionalInput(
            "class-weight",
            "(C)",
            InputDomain.NONNEGATIVE,
            false,
            "weight of each class in the mean over classes");
  }

  /** Adds smooth, per-image, from-logits, ignore-index and the sampler of the region losses. */
  static LossSpec.Builder regionParams(LossSpec.Builder b) {
    return b.param(smooth())
        .param(perImage(false))
        .param(fromLogits())
        .param(ignoreIndex())
        .sampler(Masks::sampleRegion);
  }

  static ParamSpec smooth() {
    return ParamSpec.real(
        "smooth", 1.0, Range.NONNEGATIVE, "added to numerator and denominator of each ratio");
  }

  static ParamSpec perImage(boolean dflt) {
    return ParamSpec.bool(
        "per-image",
        dflt,
        "one loss per image, then the mean over images (instead of sums over the whole batch)");
  }

  static ParamSpec fromLogits() {
    return ParamSpec.bool(
        "from-logits",
        false,
        "pred holds logits: sigmoid for binary masks, softmax over dim 1 for several classes");
  }

  static ParamSpec ignoreIndex() {
    return ParamSpec.integer(
        "ignore-index",
        -100,
        Range.ANY,
        "pixels whose class-index target equals it are left out (class-index targets only)");
  }

  /**
   * Typical inputs of the region losses for {@code n} images, in one of four layouts chosen at
   * random: binary masks {@code (n, 3, 4)}; binary soft masks {@code (n, 1, 3, 4)}; three classes
   * {@code (n, 3, 3, 4)} with class indices, a few pixels at {@code ignore-index}, and class
   * weights; three classes {@code (n, 3, 2, 2, 3)} with one-hot or soft targets. Probabilities lie
   * in [0.02, 0.98]; logits are normal with standard deviation 2.
   */
  static Tensor[] sampleRegion(Params p, SplittableRandom r, int n) {
    boolean logits = p.bool("from-logits");
    long ignore = p.integer("ignore-index");
    int layout = r.nextInt(4);
    switch (layout) {
      case 0:
        return new Tensor[] {sampledPred(r, logits, false, n, 3, 4), Samples.binary(r, n, 3, 4)};
      case 1:
        return new Tensor[] {
          sampledPred(r, logits, false, n, 1, 3, 4), Samples.uniform(r, 0, 1, n, 1, 3, 4)
        };
      case 2:
        {
          int[] y = new int[n * 12];
          for (int i = 0; i < y.length; i++) {
            y[i] = r.nextInt(8) == 0 ? (int) ignore : r.nextInt(3);
          }
          return new Tensor[] {
            sampledPred(r, logits, true, n, 3, 3, 4),
            Tensor.indices(y, n, 3, 4),
            Samples.uniform(r, 0.5, 2, 3)
          };
        }
      default:
        {
          Tensor target =
              r.nextBoolean() ? oneHot(Samples.classes(r, 3, n, 2, 2, 3), 3) : soft(r, n, 3);
          Tensor weight = r.nextBoolean() ? Samples.uniform(r, 0.5, 2, 3) : null;
          return new Tensor[] {sampledPred(r, logits, true, n, 3, 2, 2, 3), target, weight};
        }
    }
  }

  private static Tensor soft(SplittableRandom r, int n, int classes) {
    return Samples.simplex(r, n, classes, 2, 2, 3);
  }

  /** Logits, or probabilities (on the simplex along dim 1 when {@code multiClass}). */
  static Tensor sampledPred(SplittableRandom r, boolean logits, boolean multiClass, int... shape) {
    if (logits) {
      return Samples.normal(r, 2, shape);
    }
    return multiClass ? Samples.simplex(r, shape) : Samples.probabilities(r, shape);
  }

  /**
   * The one-hot floating target {@code (N, C, d1, ..., dk)} of class indices {@code (N, d1...)}.
   */
  static Tensor oneHot(Tensor indices, int classes) {
    int[] s = indices.shape();
    int n = s[0];
    int spatial = Shapes.size(s, 1, s.length);
    int[] shape = new int[s.length + 1];
    shape[0] = n;
    shape[1] = classes;
    System.arraycopy(s, 1, shape, 2, s.length - 1);
    float[] out = new float[n * classes * spatial];
    float[] y = indices.data();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < spatial; j++) {
        out[(i * classes + (int) y[i * spatial + j]) * spatial + j] = 1f;
      }
    }
    return Tensor.shaped(out, shape);
  }
}
