package dev.losskit.box;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fused IoU kernels, scalar and vector, against the double-precision formulas of the loss
 * tests: odd batch sizes (vector tails and blocks), every loss of the family, two formats, and
 * degenerate and extreme pairs (sizes of 1e-30, coordinates of 1e30, identical, disjoint,
 * zero-width and point boxes).
 */
class IouKernelTest {
  private static final int[] SIZES = {1, 7, 8, 9, 1003};

  /** The loss tests whose naive formulas are the oracle, by the kernel terms they test. */
  private static final Map<IouKernel.Terms, IouFamilyTest> ORACLES =
      Map.of(
          IouKernel.Terms.IOU, new IouLossTest(),
          IouKernel.Terms.GIOU, new GiouLossTest(),
          IouKernel.Terms.DIOU, new DiouLossTest(),
          IouKernel.Terms.CIOU, new CiouLossTest(),
          IouKernel.Terms.EIOU, new EiouLossTest());

  /** The loss entries, for their parameters. */
  private static final Map<IouKernel.Terms, LossSpec> SPECS =
      Map.of(
          IouKernel.Terms.IOU, IouLoss.SPEC,
          IouKernel.Terms.GIOU, GiouLoss.SPEC,
          IouKernel.Terms.DIOU, DiouLoss.SPEC,
          IouKernel.Terms.CIOU, CiouLoss.SPEC,
          IouKernel.Terms.EIOU, EiouLoss.SPEC);

  private static List<IouKernel> kernels() {
    List<IouKernel> k = new ArrayList<>(List.of(ScalarIouKernel.INSTANCE));
    IouKernel v = IouKernel.vector();
    // The tests run with the vector module: the vector path must be there to be tested.
    assertNotNull(v, "vector IoU kernel (tests run with --add-modules jdk.incubator.vector)");
    k.add(v);
    return k;
  }

  /** Pair i: its corners {pred, target}, cycling through ordinary, degenerate and extreme kinds. */
  private static double[][] pair(int i, SplittableRandom r) {
    double x = 20 * r.nextDouble();
    double y = 20 * r.nextDouble();
    double w = 1 + 5 * r.nextDouble();
    double h = 1 + 5 * r.nextDouble();
    double[] t = {x, y, x + w, y + h};
    switch (i % 10) {
      case 0: // disjoint
        return new double[][] {{x + w + 1, y - 3, x + 2 * w + 2, y - 3 + h}, t};
      case 1: // identical
        return new double[][] {t.clone(), t};
      case 2: // sizes of 1e-30, overlapping
        return new double[][] {{0, 0, 2e-30, 1e-30}, {1e-30, 0, 3e-30, 3e-30}};
      case 3: // coordinates of 1e30
        return new double[][] {{1e30, 2e30, 3e30, 2.5e30}, {1.5e30, 1e30, 4e30, 3e30}};
      case 4: // zero width inside the target
        return new double[][] {{x + 0.5, y, x + 0.5, y + h}, t};
      case 5: // a point, and a box of zero height
        return new double[][] {{x, y, x, y}, {x, y + 1, x + w, y + 1}};
      case 6: // tiny against huge
        return new double[][] {{0, 0, 1e-30, 1e-30}, {-1e30, -1e30, 1e30, 1e30}};
      default: // a jittered copy
        return new double[][] {
          {x + r.nextGaussian(), y + r.nextGaussian(), x + w * 1.2, y + h * 0.9}, t
        };
    }
  }

  private static Tensor[] batch(int n, String format, SplittableRandom r) {
    double[][] p = new double[n][];
    double[][] t = new double[n][];
    for (int i = 0; i < n; i++) {
      double[][] pt = pair(i, r);
      p[i] = pt[0];
      t[i] = pt[1];
    }
    return new Tensor[] {NaiveBoxes.boxes(format, p), NaiveBoxes.boxes(format, t)};
  }

  /** Values and their sum match the oracle; scalar and vector gradients agree; all finite. */
  @Test
  void kernelsMatchTheDoubleOracle() {
    for (String format : List.of("xyxy", "cxcywh")) {
      for (IouKernel.Terms terms : IouKernel.Terms.values()) {
        IouFamilyTest oracle = ORACLES.get(terms);
        Params params = SPECS.get(terms).params(Map.of("box-format", format));
        for (int n : SIZES) {
          Tensor[] in = batch(n, format, new SplittableRandom(n));
          double[] pd = doubles(in[0]);
          double[] td = doubles(in[1]);
          double want = 0;
          double[] wants = new double[n];
          for (int i = 0; i < n; i++) {
            wants[i] =
                oracle.naive(
                    NaiveBoxes.corners(pd, i, format), NaiveBoxes.corners(td, i, format), params);
            want += wants[i];
          }
          float[] scalarGrad = null;
          for (IouKernel k : kernels()) {
            String what = k.getClass().getSimpleName() + " " + terms + " " + format + " n=" + n;
            float[] values = new float[n];
            float[] grad = new float[4 * n];
            double sum =
                k.compute(
                    terms,
                    Boxes.format(params),
                    1e-7,
                    1e-7,
                    in[0].data(),
                    in[1].data(),
                    null,
                    values,
                    grad,
                    0.5,
                    0,
                    n);
            assertEquals(want, sum, 1e-9 * (1 + Math.abs(want)), what + " sum");
            for (int i = 0; i < n; i++) {
              assertEquals(wants[i], values[i], 1e-6 * (1 + Math.abs(wants[i])), what + " " + i);
            }
            for (float g : grad) {
              assertTrue(Float.isFinite(g), what + " gradient finite");
            }
            if (scalarGrad == null) {
              scalarGrad = grad;
            } else {
              for (int i = 0; i < grad.length; i++) {
                double s = scalarGrad[i];
                assertEquals(s, grad[i], 1e-6 * (1 + Math.abs(s)), what + " gradient " + i);
              }
            }
          }
        }
      }
    }
  }

  /** The gradients of ordinary pairs are the derivatives of the oracle (alpha held for ciou). */
  @Test
  void gradientsAreTheOraclesDerivatives() {
    int n = 37;
    SplittableRandom r = new SplittableRandom(5);
    double[][] p = new double[n][];
    double[][] t = new double[n][];
    for (int i = 0; i < n; i++) {
      // Kinds 0 and 7: disjoint, or a jittered copy (no ties, where central differences fail).
      double[][] pt = pair(i % 2 == 0 ? 0 : 7, r);
      p[i] = pt[0];
      t[i] = pt[1];
    }
    Tensor pred = NaiveBoxes.boxes("xyxy", p);
    Tensor target = NaiveBoxes.boxes("xyxy", t);
    double[] pd = doubles(pred);
    double[] td = doubles(target);
    for (IouKernel.Terms terms : IouKernel.Terms.values()) {
      IouFamilyTest oracle = ORACLES.get(terms);
      Params params = SPECS.get(terms).defaults();
      for (IouKernel k : kernels()) {
        float[] grad = new float[4 * n];
        k.compute(
            terms,
            Boxes.Format.XYXY,
            1e-7,
            1e-7,
            pred.data(),
            target.data(),
            null,
            null,
            grad,
            1,
            0,
            n);
        for (int i = 0; i < n; i++) {
          double[] tc = NaiveBoxes.corners(td, i, "xyxy");
          double a0 = CiouLossTest.alpha(NaiveBoxes.corners(pd, i, "xyxy"), tc, 1e-7);
          for (int c = 0; c < 4; c++) {
            double x0 = pd[4 * i + c];
            double h = 1e-6 * Math.max(1, Math.abs(x0));
            pd[4 * i + c] = x0 + h;
            double[] up = NaiveBoxes.corners(pd, i, "xyxy");
            pd[4 * i + c] = x0 - h;
            double[] down = NaiveBoxes.corners(pd, i, "xyxy");
            pd[4 * i + c] = x0;
            double fd =
                terms == IouKernel.Terms.CIOU
                    ? (CiouLossTest.diou(up, tc)
                            + a0 * CiouLossTest.v(up, tc)
                            - CiouLossTest.diou(down, tc)
                            - a0 * CiouLossTest.v(down, tc))
                        / (2 * h)
                    : (oracle.naive(up, tc, params) - oracle.naive(down, tc, params)) / (2 * h);
            assertEquals(
                fd,
                grad[4 * i + c],
                1e-5 * (1 + Math.abs(fd)),
                k.getClass().getSimpleName() + " " + terms + " box " + i + "." + c);
          }
        }
      }
    }
  }

  /** A range that starts off the lane grid writes only its own entries. */
  @Test
  void rangesWriteOnlyTheirOwnEntries() {
    int n = 1003;
    Tensor[] in = batch(n, "xyxy", new SplittableRandom(3));
    for (IouKernel k : kernels()) {
      float[] whole = new float[4 * n];
      float[] values = new float[n];
      double all =
          k.compute(
              IouKernel.Terms.CIOU,
              Boxes.Format.XYXY,
              1e-7,
              1e-7,
              in[0].data(),
              in[1].data(),
              null,
              values,
              whole,
              1,
              0,
              n);
      float[] parts = new float[4 * n];
      java.util.Arrays.fill(parts, Float.NaN);
      double sum = 0;
      int[] cuts = {0, 3, 10, 11, 300, 700, n};
      for (int c = 0; c + 1 < cuts.length; c++) {
        sum +=
            k.compute(
                IouKernel.Terms.CIOU,
                Boxes.Format.XYXY,
                1e-7,
                1e-7,
                in[0].data(),
                in[1].data(),
                null,
                null,
                parts,
                1,
                cuts[c],
                cuts[c + 1]);
      }
      assertEquals(all, sum, 1e-9 * Math.abs(all));
      for (int i = 0; i < 4 * n; i++) {
        assertEquals(whole[i], parts[i], 1e-6 * (1 + Math.abs(whole[i])), "entry " + i);
      }
    }
  }

  /** The angle of a box's diagonal is atan2(w, h) to within a few ulps, extremes included. */
  @Test
  void angleIsAtan2() {
    double[] sides = {0, 1e-30, 1e-7, 0.3, 0.66, 0.6600001, 1, 2.4142, 2.4143, 7, 1e7, 1e30};
    for (double w : sides) {
      for (double h : sides) {
        double want = Math.atan2(w, h);
        assertEquals(want, ScalarIouKernel.angle(w, h), 4 * Math.ulp(want), w + ", " + h);
      }
    }
    SplittableRandom r = new SplittableRandom(9);
    for (int i = 0; i < 100_000; i++) {
      double w = Math.exp(20 * r.nextGaussian());
      double h = Math.exp(20 * r.nextGaussian());
      double want = Math.atan2(w, h);
      assertEquals(want, ScalarIouKernel.angle(w, h), 4 * Math.ulp(want), w + ", " + h);
    }
  }

  /** The angle between two boxes' diagonals, from one atan, is the difference of two atan2s. */
  @Test
  void angleBetweenIsTheDifferenceOfAtan2s() {
    double[] sides = {0, 1e-30, 1e-7, 0.3, 0.66, 1, 2.4142, 7, 1e7, 1e30};
    for (double tw : sides) {
      for (double th : sides) {
        for (double pw : sides) {
          for (double ph : sides) {
            double want = Math.atan2(tw, th) - Math.atan2(pw, ph);
            assertEquals(
                want,
                ScalarIouKernel.angleBetween(tw, th, pw, ph),
                2e-15,
                tw + ", " + th + " / " + pw + ", " + ph);
          }
        }
      }
    }
    SplittableRandom r = new SplittableRandom(10);
    for (int i = 0; i < 100_000; i++) {
      double tw = Math.exp(10 * r.nextGaussian());
      double th = Math.exp(10 * r.nextGaussian());
      double pw = tw * Math.exp(0.01 * r.nextGaussian());
      double ph = th * Math.exp(0.01 * r.nextGaussian());
      double want = Math.atan2(tw, th) - Math.atan2(pw, ph);
      assertEquals(want, ScalarIouKernel.angleBetween(tw, th, pw, ph), 2e-15);
    }
  }

  private static double[] doubles(Tensor t) {
    double[] d = new double[t.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = t.data()[i];
    }
    return d;
  }
}
