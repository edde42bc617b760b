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
import java.util.SplittableRandom;

/**
 * Boundary loss: the mean of predicted probabilities times the signed distance to the target's
 * boundary, which penalises probability mass far outside the object and rewards mass deep inside
 * it; complements region losses for highly unbalanced segmentation.
 *
 * <pre>{@code
 * l_i     = p_i phi_i          (mean over all elements of pred)
 * dl_i/dp_i = phi_i
 * phi = distance-map when given; otherwise, per image and class, from the mask M of the target:
 *   phi = edt(1 - M) (1 - M) - (edt(M) - 1) M
 * edt(A)_s = Euclidean distance from pixel s to the nearest pixel where A = 0 (0 where A = 0)
 * }</pre>
 *
 * <p>So outside the object phi is the distance to the nearest object pixel, and inside it is {@code
 * 1 - d}, d the distance to the nearest background pixel: 0 on the inner boundary, negative deeper
 * in.
 *
 * <p>Inputs: {@code pred} probabilities {@code (N, C, d1, ..., dk)} with a class-index {@code
 * target} {@code (N, d1, ..., dk)} (mask of class c: target = c), or a floating {@code target} of
 * {@code pred}'s shape: one-hot masks along dim 1 with rank 4 or more, one binary mask per sample
 * with rank 3 or less. Without {@code distance-map} a floating target must hold 0 or 1. Optional
 * {@code distance-map}, {@code pred}'s shape, replaces the computed phi (the target's shape is
 * still checked). The distance transform runs over all spatial dimensions (2-D, 3-D, ...), with
 * unit spacing.
 *
 * <p>Numerical notes: the distance transform is exact (Felzenszwalb and Huttenlocher's lower
 * envelope of parabolas, one pass per axis, integer squared distances in double). A mask with no
 * object pixel gives phi = 0, as in the reference code; a mask with no background pixel gives phi =
 * 0 as well, where {@code scipy.ndimage.distance_transform_edt} returns distances to a phantom
 * pixel at (-1, 0) (scipy issue 15585). Scratch arrays of one image's size are allocated once per
 * call.
 *
 * <p>Equals Kervadec et al.'s {@code SurfaceLoss} (mean of {@code probs * dist_maps}) on maps from
 * their {@code one_hot2dist} with {@code scipy.ndimage.distance_transform_edt}, over every class,
 * which the reference values run.
 *
 * @see <a href="https://arxiv.org/abs/1812.07032">Kervadec et al. (2019), Boundary loss for highly
 *     unbalanced segmentation</a>
 */
public final class BoundaryLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("boundary", Family.SEGMENTATION)
          .input(
              "pred",
              "(N, C, d1, ..., dk), or binary masks (N, d1, ..., dk) / (N, 1, d1, ..., dk)",
              InputDomain.PROBABILITY,
              true,
              "predicted probabilities")
          .input(
              "target",
              "(N, d1, ..., dk) class indices, or pred's shape (0/1 masks, one-hot along dim 1)",
              InputDomain.CLASS_INDEX_OR_PROBABILITY,
              false,
              "the segmentation whose boundary defines phi")
          .optionalInput(
              "distance-map",
              "pred's shape",
              InputDomain.REAL,
              false,
              "precomputed signed distance map phi")
          .name("Boundary")
          .summary(
              "Mean of probabilities times the signed distance to the target boundary (negative"
                  + " inside the object, positive outside).")
          .formula(
              "l = p phi, phi = edt(1 - M) (1 - M) - (edt(M) - 1) M per image and class, or the"
                  + " given distance-map; mean over elements")
          .gradient("dl/dp = phi")
          .traits(Trait.CONVEX, Trait.SMOOTH)
          .equivalent(
              "SurfaceLoss(idc=every class)(pred, one_hot2dist(target)) (Kervadec et al.)", "")
          .whenToUse(
              "Highly unbalanced segmentation (small lesions) together with a region loss such as"
                  + " dice or generalised Dice, its weight raised during training: it uses the"
                  + " boundary's geometry where region losses only count pixels. Alone it can"
                  + " collapse to empty predictions.")
          .reference(
              "Kervadec et al. (2019), Boundary loss for highly unbalanced segmentation",
              "https://arxiv.org/abs/1812.07032")
          .sampler(BoundaryLoss::sample)
          .tasks(Task.SEGMENTATION)
          .build(BoundaryLoss::new);

  private BoundaryLoss(Params p) {
    super(SPEC, p);
  }

  private static Tensor[] sample(Params p, SplittableRandom r, int n) {
    switch (r.nextInt(3)) {
      case 0:
        return new Tensor[] {Samples.probabilities(r, n, 4, 5), Samples.binary(r, n, 4, 5), null};
      case 1:
        return new Tensor[] {Samples.simplex(r, n, 3, 4, 5), Samples.classes(r, 3, n, 4, 5), null};
      default:
        return new Tensor[] {
          Samples.probabilities(r, n, 1, 4, 5),
          Samples.binary(r, n, 1, 4, 5),
          Samples.normal(r, 3, n, 1, 4, 5)
        };
    }
  }

  @Override
  public int[] check(Tensor[] in) {
    Masks.check(in[0], in[1], null, false, false, 0, false);
    if (in[2] != null) {
      Shapes.requireSame("distance-map", in[2], "pred", in[0]);
    } else if (!in[1].isIntegral()) {
      Masks.requireBinary(in[1], " to compute the distance map (or give distance-map)");
    }
    return in[0].shape();
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] x = in[0].data();
    float[] g = grads == null ? null : grads[0];
    double sum = 0;
    if (in[2] != null) {
      float[] phi = in[2].data();
      for (int i = 0; i < x.length; i++) {
        double l = (double) x[i] * phi[i];
        sum += l;
        if (values != null) {
          values[i] = (float) l;
        }
        if (g != null) {
          g[i] = (float) (scale * phi[i]);
        }
      }
      return sum;
    }
    Masks m = Masks.of(in[0], in[1], false, false);
    int[] dims = Masks.spatialShape(in[0], in[1], false);
    float[] t = in[1].data();
    int spatial = m.spatial;
    int longest = 1;
    for (int d : dims) {
      longest = Math.max(longest, d);
    }
    double[] inside = new double[spatial];
    double[] outside = new double[spatial];
    double[] line = new double[longest];
    double[] out = new double[longest];
    int[] v = new int[longest];
    double[] z = new double[longest + 1];
    for (int n = 0; n < m.batch; n++) {
      for (int c = 0; c < m.classes; c++) {
        int fg = 0;
        for (int s = 0; s < spatial; s++) {
          boolean object = m.indices ? t[n * spatial + s] == c : t[m.predIndex(n, c, s)] == 1;
          // edt(M) measures the distance to the background, edt(1 - M) to the object.
          inside[s] = object ? Double.POSITIVE_INFINITY : 0;
          outside[s] = object ? 0 : Double.POSITIVE_INFINITY;
          fg += object ? 1 : 0;
        }
        boolean blank = fg == 0 || fg == spatial;
        if (!blank) {
          squaredDistances(inside, dims, line, out, v, z);
          squaredDistances(outside, dims, line, out, v, z);
        }
        for (int s = 0; s < spatial; s++) {
          int i = m.predIndex(n, c, s);
          double phi;
          if (blank) {
            phi = 0;
          } else if (inside[s] > 0) {
            phi = 1 - Math.sqrt(inside[s]);
          } else {
            phi = Math.sqrt(outside[s]);
          }
          double l = x[i] * phi;
          sum += l;
          if (values != null) {
            values[i] = (float) l;
          }
          if (g != null) {
            g[i] = (float) (scale * phi);
          }
        }
      }
    }
    return sum;
  }

  /**
   * Replaces {@code f} (one image, C order over {@code dims}; 0 at the sites, +infinity elsewhere)
   * by the squared Euclidean distance of every pixel to its nearest site: the 1-D transform along
   * each axis in turn (Felzenszwalb and Huttenlocher, 2012).
   */
  static void squaredDistances(
      double[] f, int[] dims, double[] line, double[] out, int[] v, double[] z) {
    int stride = f.length;
    for (int a = 0; a < dims.length; a++) {
      int len = dims[a];
      stride /= len;
      int outer = f.length / (len * stride);
      for (int o = 0; o < outer; o++) {
        for (int in = 0; in < stride; in++) {
          int base = o * len * stride + in;
          for (int q = 0; q < len; q++) {
            line[q] = f[base + q * stride];
          }
          transform1d(line, len, out, v, z);
          for (int q = 0; q < len; q++) {
            f[base + q * stride] = out[q];
          }
        }
      }
    }
  }

  /**
   * The 1-D squared distance transform {@code out[q] = min_r (q - r)^2 + f[r]} over the first
   * {@code len} entries, by the lower envelope of the parabolas rooted at the finite entries
   * (infinite entries are not sites; with no finite entry every output is infinite).
   */
  static void transform1d(double[] f, int len, double[] out, int[] v, double[] z) {
    int k = -1;
    for (int q = 0; q < len; q++) {
      if (f[q] == Double.POSITIVE_INFINITY) {
        continue;
      }
      if (k < 0) {
        k = 0;
        v[0] = q;
        z[0] = Double.NEGATIVE_INFINITY;
        z[1] = Double.POSITIVE_INFINITY;
        continue;
      }
      double s = intersection(f, q, v[k]);
      while (s <= z[k]) {
        k--;
        s = intersection(f, q, v[k]);
      }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = Double.POSITIVE_INFINITY;
    }
    if (k < 0) {
      for (int q = 0; q < len; q++) {
        out[q] = Double.POSITIVE_INFINITY;
      }
      return;
    }
    int j = 0;
    for (int q = 0; q < len; q++) {
      while (z[j + 1] < q) {
        j++;
      }
      double d = q - v[j];
      out[q] = d * d + f[v[j]];
    }
  }

  /** Where the parabolas rooted at q and r meet. */
  private static double intersection(double[] f, int q, int r) {
    return ((f[q] + (double) q * q) - (f[r] + (double) r * r)) / (2.0 * q - 2.0 * r);
  }
}
