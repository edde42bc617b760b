package dev.losskit.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.losskit.Catalog;
import dev.losskit.LossSpec;
import dev.losskit.Tensor;
import dev.losskit.internal.vectorization.Vectorization;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The plane kernel of the region losses on both paths (scalar and Vector API) over odd plane sizes
 * and offsets, against sums and gradients computed term by term in double; and the region losses on
 * the layouts that take it (binary masks, several classes with one-hot or soft targets), with
 * extreme logits, against {@link SegOracle} and central differences of it.
 */
class RegionKernelTest {
  /** Odd sizes around the lane count, the block of 4 vectors and the chunk of 2048 (AVX2). */
  private static final int[] SIZES = {0, 1, 7, 8, 9, 31, 32, 33, 63, 64, 65, 1003, 2048, 5003};

  /** Logits at and beyond the range where the sigmoid saturates in float. */
  private static final float[] EXTREME_LOGITS = {100, -100, 1e30f, -1e30f, 0, 20, -20, 88, -88};

  /** The kernels this JVM can run: always the scalar one, the vector one when available. */
  private static List<RegionKernel> paths() {
    List<RegionKernel> paths = new ArrayList<>();
    paths.add(RegionKernel.SCALAR);
    RegionKernel v = RegionKernel.vector();
    if (v != null) {
      paths.add(v);
    }
    return paths;
  }

  @Test
  void vectorKernelIsAvailableUnderTheTestJvm() {
    // Surefire runs with the Vector API module: the vector path must be the one tested here.
    assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
    assertEquals(2, paths().size(), "vector region kernel could not be loaded");
  }

  @Test
  void selectedKernelFollowsTheVectorSwitch() {
    // -Dlosskit.vector=false (or no module) selects the scalar loops, else the vector ones.
    boolean scalar = Vectorization.kernels() == Vectorization.scalar();
    RegionKernel expected = scalar ? RegionKernel.SCALAR : RegionKernel.vector();
    assertEquals(expected.getClass(), RegionKernel.selected().getClass());
  }

  @Test
  void sumsAndGradientMatchTheDoubleOracleAtEverySizeAndOffset() {
    SplittableRandom r = new SplittableRandom(11);
    for (RegionKernel k : paths()) {
      for (int n : SIZES) {
        for (int off : new int[] {0, 3}) {
          for (boolean sigmoid : new boolean[] {false, true}) {
            for (boolean soft : new boolean[] {false, true}) {
              String what = k + " n=" + n + " off=" + off + " sigmoid=" + sigmoid + " soft=" + soft;
              float[] x = new float[off + n + 2];
              float[] t = new float[x.length];
              for (int i = 0; i < x.length; i++) {
                x[i] = sigmoid ? logit(r) : probability(r);
                t[i] = soft ? (float) r.nextDouble() : r.nextInt(2);
              }
              checkSums(k, x, t, off, off + n, sigmoid, what);
              checkGradient(k, x, t, off, off + n, sigmoid, r, what);
            }
          }
        }
      }
    }
  }

  @Test
  void coefficientsBeyondFloatRangeKeepTheDoubleGradient() {
    float[] x = new float[19];
    float[] t = new float[19];
    for (int i = 0; i < x.length; i++) {
      x[i] = 1e-30f * (i % 3);
      t[i] = i % 2;
    }
    for (RegionKernel k : paths()) {
      checkGradient(k, x, t, 0, x.length, false, 5e38, -3e38, 1e37, k + " huge coefficients");
    }
  }

  private static float logit(SplittableRandom r) {
    int k = r.nextInt(4);
    return k == 0
        ? EXTREME_LOGITS[r.nextInt(EXTREME_LOGITS.length)]
        : (float) (8 * r.nextDouble() - 4);
  }

  private static float probability(SplittableRandom r) {
    int k = r.nextInt(5);
    return k == 0 ? 0 : k == 1 ? 1 : (float) r.nextDouble();
  }

  /** sigmoid(x) in double, by its definition. */
  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  private static void checkSums(
      RegionKernel k, float[] x, float[] t, int from, int to, boolean sigmoid, String what) {
    double[] e = new double[7];
    for (int i = from; i < to; i++) {
      double p = sigmoid ? sigmoid(x[i]) : x[i];
      e[2] += p * t[i];
      e[3] += p;
      e[4] += t[i];
      e[5] += p * p;
      e[6] += (double) t[i] * t[i];
    }
    double[] stats = new double[7];
    stats[0] = 5; // untouched
    for (int q = 2; q < 7; q++) {
      stats[q] = 0.25; // sums are added to what is there
      e[q] += 0.25;
    }
    k.sums(x, t, from, to, sigmoid, stats, 2);
    assertEquals(5, stats[0], 0, what + " stats before o");
    for (int q = 2; q < 7; q++) {
      // Every term is non-negative: float rounding of each term bounds the error relative to the
      // sum.
      SegChecks.close(e[q], stats[q], 1e-6, 1e-12, what + " sum " + (q - 2));
    }
  }

  private static void checkGradient(
      RegionKernel k,
      float[] x,
      float[] t,
      int from,
      int to,
      boolean sigmoid,
      SplittableRandom r,
      String what) {
    double a = 4 * r.nextDouble() - 2;
    double b = 4 * r.nextDouble() - 2;
    double c = r.nextBoolean() ? 0 : 4 * r.nextDouble() - 2;
    checkGradient(k, x, t, from, to, sigmoid, a, b, c, what);
  }

  private static void checkGradient(
      RegionKernel k,
      float[] x,
      float[] t,
      int from,
      int to,
      boolean sigmoid,
      double a,
      double b,
      double c,
      String what) {
    float[] g = new float[x.length];
    java.util.Arrays.fill(g, 7f);
    k.gradient(x, t, from, to, sigmoid, a, b, c, g);
    for (int i = 0; i < x.length; i++) {
      if (i < from || i >= to) {
        assertEquals(7f, g[i], what + " grad outside the plane at " + i);
        continue;
      }
      double p = sigmoid ? sigmoid(x[i]) : x[i];
      // p (1 - p) as exp(-|x|) / (1 + exp(-|x|))^2: the oracle must not cancel either.
      double e = Math.exp(-Math.abs((double) x[i]));
      double dp = sigmoid ? e / ((1 + e) * (1 + e)) : 1;
      double expected = (a * t[i] + b + c * p) * dp;
      double scaleOfTerms = (Math.abs(a * t[i]) + Math.abs(b) + Math.abs(c * p)) * dp;
      double tol =
          1e-6 * scaleOfTerms + Float.MIN_NORMAL * (Math.abs(a) + Math.abs(b) + Math.abs(c));
      SegChecks.close(expected, g[i], 0, tol, what + " grad[" + i + "] x=" + x[i]);
    }
  }

  // ---------------------------------------------------------------- the losses end to end

  /** The region losses with their oracles (the contracts' per-class formulas). */
  private static Map<String, RegionLossContract> contracts() {
    Map<String, RegionLossContract> m = new java.util.LinkedHashMap<>();
    m.put("dice", new DiceLossTest());
    m.put("tversky", new TverskyLossTest());
    m.put("jaccard", new JaccardLossTest());
    m.put("squared-dice", new SquaredDiceLossTest());
    m.put("focal-tversky", new FocalTverskyLossTest());
    m.put("log-cosh-dice", new LogCoshDiceLossTest());
    return m;
  }

  @Test
  void regionLossesOnContiguousPlanesMatchTheOracle() {
    SplittableRandom r = new SplittableRandom(5);
    for (Map.Entry<String, RegionLossContract> e : contracts().entrySet()) {
      RegionLossContract contract = e.getValue();
      LossSpec spec = Catalog.builtin().get(e.getKey());
      for (int spatial : new int[] {1, 9, 33, 70}) {
        for (boolean perImage : new boolean[] {false, true}) {
          // Binary masks (N, 1, H, W), from probabilities and from logits (extreme ones included).
          for (boolean logits : new boolean[] {false, true}) {
            Map<String, Object> p = params(contract, perImage, logits);
            Tensor[] in = {binaryPred(r, logits, 3, 1, spatial), mask(r, false, 3, 1, spatial)};
            agree(contract, spec, p, in, "binary spatial=" + spatial);
          }
          // Binary masks (N, L) of rank 2, soft targets.
          Map<String, Object> p = params(contract, perImage, false);
          Tensor[] flat = {binaryPred(r, false, 2, spatial), mask(r, true, 2, spatial)};
          agree(contract, spec, p, flat, "rank-2 masks spatial=" + spatial);
          // Three classes, one-hot or soft targets, with and without class weights.
          for (boolean soft : new boolean[] {false, true}) {
            Tensor pred = Masks.sampledPred(r, false, true, 2, 3, 1, spatial);
            Tensor target =
                soft
                    ? Masks.sampledPred(r, false, true, 2, 3, 1, spatial)
                    : Masks.oneHot(classes(r, 3, 2, 1, spatial), 3);
            Tensor weight = soft ? Tensor.of(new float[] {0.5f, 0f, 2f}, 3) : null;
            agree(
                contract,
                spec,
                p,
                new Tensor[] {pred, target, weight},
                "3 classes soft=" + soft + " spatial=" + spatial);
          }
        }
      }
      // Longer planes, through several blocks and a tail.
      for (boolean logits : new boolean[] {false, true}) {
        Tensor[] in = {binaryPred(r, logits, 2, 1, 300), mask(r, false, 2, 1, 300)};
        agree(contract, spec, params(contract, logits, logits), in, "binary spatial=300");
      }
    }
  }

  private static Map<String, Object> params(
      RegionLossContract contract, boolean perImage, boolean logits) {
    Map<String, Object> p = new HashMap<>();
    p.put("per-image", perImage);
    p.put("from-logits", logits);
    p.put("smooth", perImage ? 0.5 : 1.0);
    if (contract instanceof TverskyLossTest || contract instanceof FocalTverskyLossTest) {
      p.put("alpha", 0.3);
      p.put("beta", 0.7);
    }
    return p;
  }

  private static void agree(
      RegionLossContract contract, LossSpec spec, Map<String, ?> p, Tensor[] in, String what) {
    SegChecks.agree(spec, p, in, contract::oracle, spec.id() + " " + p + " " + what);
  }

  private static Tensor binaryPred(SplittableRandom r, boolean logits, int... shape) {
    float[] x = new float[dev.losskit.Shapes.size(shape)];
    for (int i = 0; i < x.length; i++) {
      x[i] = logits ? logit(r) : probability(r);
    }
    return Tensor.shaped(x, shape);
  }

  private static Tensor mask(SplittableRandom r, boolean soft, int... shape) {
    float[] t = new float[dev.losskit.Shapes.size(shape)];
    for (int i = 0; i < t.length; i++) {
      t[i] = soft ? (float) r.nextDouble() : r.nextInt(2);
    }
    return Tensor.shaped(t, shape);
  }

  private static Tensor classes(SplittableRandom r, int classes, int... shape) {
    int[] y = new int[dev.losskit.Shapes.size(shape)];
    for (int i = 0; i < y.length; i++) {
      y[i] = r.nextInt(classes);
    }
    return Tensor.indices(y, shape);
  }
}
