package dev.losskit.internal.vectorization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleBinaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both kernel paths, every kernel: the vector and the scalar implementation against each other and
 * against a naive double-precision oracle of the per-element value, over sizes that hit every loop
 * tail and block boundary, over sub-ranges, and on extreme inputs.
 */
class KernelsTest {
  private static final int[] SIZES = {0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 1023, 4099};

  /** One call of a kernel: inputs a and b, outputs values and up to two gradients. */
  interface Call {
    double run(
        Kernels k, float[] a, float[] b, float[] v, float[] g0, float[] g1, double s, int f, int t);
  }

  /** How a case draws its two inputs. */
  interface Draw {
    void fill(SplittableRandom r, float[] a, float[] b, boolean extreme);
  }

  /** A kernel with fixed parameters, its input distribution and its per-element oracle. */
  record Case(String name, Draw draw, Call call, DoubleBinaryOperator oracle, boolean twoGrads) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final double EPS = 1e-12;
  private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

  static Draw residuals() {
    return (r, a, b, extreme) -> {
      for (int i = 0; i < a.length; i++) {
        double scale = extreme ? Math.pow(10, r.nextInt(-30, 31)) : 2;
        a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        b[i] = (float) ((r.nextDouble() * 2 - 1) * (extreme ? scale : 1));
      }
      if (a.length > 2) {
        b[1] = a[1]; // a zero residual
      }
    };
  }

  static Draw logitsAndLabels(boolean soft) {
    return (r, a, b, extreme) -> {
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) ((r.nextDouble() * 2 - 1) * (extreme ? 1e4 : 6));
        b[i] = soft && i % 3 == 0 ? (float) r.nextDouble() : r.nextBoolean() ? 1f : 0f;
      }
    };
  }

  /** Labels 0 and 1 of {@code labels} as -1 and +1. */
  static Draw signsOf(Draw labels) {
    return (r, a, b, extreme) -> {
      labels.fill(r, a, b, extreme);
      for (int i = 0; i < b.length; i++) {
        b[i] = 2 * b[i] - 1;
      }
    };
  }

  static Draw probabilities() {
    return (r, a, b, extreme) -> {
      for (int i = 0; i < a.length; i++) {
        a[i] = extreme ? (r.nextBoolean() ? 0f : 1f) : (float) (0.02 + 0.96 * r.nextDouble());
        b[i] = i % 3 == 0 ? (float) r.nextDouble() : r.nextBoolean() ? 1f : 0f;
      }
    };
  }

  static Draw counts(boolean logInput) {
    return (r, a, b, extreme) -> {
      for (int i = 0; i < a.length; i++) {
        a[i] =
            logInput
                ? (float) ((r.nextDouble() * 2 - 1) * (extreme ? 200 : 2))
                : (float) (r.nextDouble() * (extreme ? 1e30 : 5));
        b[i] = r.nextInt(extreme ? 1000 : 8);
      }
    };
  }

  static Draw logProbabilities(boolean logTarget) {
    return (r, a, b, extreme) -> {
      for (int i = 0; i < a.length; i++) {
        double p = extreme ? Math.pow(10, -r.nextInt(0, 38)) : 0.02 + 0.96 * r.nextDouble();
        double q = i % 5 == 0 && !logTarget ? 0 : 0.02 + 0.96 * r.nextDouble();
        a[i] = (float) Math.log(p);
        b[i] = (float) (logTarget ? Math.log(q) : q);
      }
    };
  }

  /** exp(x), continued by its tangent beyond log(Float.MAX_VALUE) (the documented behaviour). */
  static double expTangentAboveFloatMax(double x) {
    double cap = Math.log(Float.MAX_VALUE);
    return x <= cap ? Math.exp(x) : Math.exp(cap) * (1 + x - cap);
  }

  static double softplus(double x) {
    return Math.log1p(Math.exp(x));
  }

  static Stream<Case> cases() {
    List<Case> c = new ArrayList<>();
    c.add(
        new Case(
            "mse",
            residuals(),
            (k, a, b, v, g, h, s, f, t) -> k.mse(a, b, v, g, s, f, t),
            (p, t) -> (p - t) * (p - t),
            false));
    c.add(
        new Case(
            "mae",
            residuals(),
            (k, a, b, v, g, h, s, f, t) -> k.mae(a, b, v, g, s, f, t),
            (p, t) -> Math.abs(p - t),
            false));
    for (double beta : new double[] {0, 0.5, 1}) {
      c.add(
          new Case(
              "smooth-l1 beta=" + beta,
              residuals(),
              (k, a, b, v, g, h, s, f, t) -> k.smoothL1(a, b, beta, v, g, s, f, t),
              (p, t) ->
                  Math.abs(p - t) < beta
                      ? 0.5 * (p - t) * (p - t) / beta
                      : Math.abs(p - t) - 0.5 * beta,
              false));
    }
    c.add(
        new Case(
            "huber delta=1.5",
            residuals(),
            (k, a, b, v, g, h, s, f, t) -> k.huber(a, b, 1.5, v, g, s, f, t),
            (p, t) ->
                Math.abs(p - t) <= 1.5 ? 0.5 * (p - t) * (p - t) : 1.5 * (Math.abs(p - t) - 0.75),
            false));
    c.add(
        new Case(
            "log-cosh",
            residuals(),
            (k, a, b, v, g, h, s, f, t) -> k.logCosh(a, b, v, g, s, f, t),
            (p, t) -> {
              double r = p - t;
              if (Math.abs(r) < 1e-2) {
                return r * r / 2 - r * r * r * r / 12; // cosh rounds away r^2/2 below
              }
              return Math.abs(r) < 300 ? Math.log(Math.cosh(r)) : Math.abs(r) - Math.log(2);
            },
            false));
    c.add(
        new Case(
            "quantile q=0.3",
            residuals(),
            (k, a, b, v, g, h, s, f, t) -> k.quantile(a, b, 0.3, v, g, s, f, t),
            (p, t) -> Math.max(0.3 * (t - p), -0.7 * (t - p)),
            false));
    c.add(
        new Case(
            "bce-with-logits",
            logitsAndLabels(true),
            (k, a, b, v, g, h, s, f, t) -> k.bceWithLogits(a, b, false, v, g, s, f, t),
            (x, t) -> t * softplus(-x) + (1 - t) * softplus(x),
            false));
    c.add(
        new Case(
            "bce-with-logits sign-labels",
            signsOf(logitsAndLabels(false)),
            (k, a, b, v, g, h, s, f, t) -> k.bceWithLogits(a, b, true, v, g, s, f, t),
            (x, y) -> softplus(-y * x),
            false));
    c.add(
        new Case(
            "bce",
            probabilities(),
            (k, a, b, v, g, h, s, f, t) -> k.bce(a, b, -100, EPS, v, g, s, f, t),
            (p, t) ->
                -(t * Math.max(Math.log(p), -100) + (1 - t) * Math.max(Math.log(1 - p), -100)),
            false));
    for (double[] ag : new double[][] {{0.25, 2}, {-1, 0.5}, {0.5, 0}}) {
      double alpha = ag[0];
      double gamma = ag[1];
      c.add(
          new Case(
              "sigmoid-focal alpha=" + alpha + " gamma=" + gamma,
              logitsAndLabels(true),
              (k, a, b, v, g, h, s, f, t) -> k.sigmoidFocal(a, b, alpha, gamma, v, g, s, f, t),
              (x, t) -> {
                double p = 1 / (1 + Math.exp(-x));
                double ce = t * softplus(-x) + (1 - t) * softplus(x);
                double pt = t * p + (1 - t) * (1 - p);
                double at = alpha < 0 ? 1 : alpha * t + (1 - alpha) * (1 - t);
                return at * Math.pow(1 - pt, gamma) * ce;
              },
              false));
    }
    for (boolean full : new boolean[] {false, true}) {
      DoubleBinaryOperator stirling =
          (x, y) -> full && y > 1 ? y * Math.log(y) - y + HALF_LOG_2PI + 0.5 * Math.log(y) : 0;
      c.add(
          new Case(
              "poisson-nll log-input full=" + full,
              counts(true),
              (k, a, b, v, g, h, s, f, t) -> k.poissonNll(a, b, true, full, 1e-8, v, g, s, f, t),
              (x, y) -> expTangentAboveFloatMax(x) - y * x + stirling.applyAsDouble(x, y),
              false));
      c.add(
          new Case(
              "poisson-nll rates full=" + full,
              counts(false),
              (k, a, b, v, g, h, s, f, t) -> k.poissonNll(a, b, false, full, 1e-8, v, g, s, f, t),
              (x, y) -> x - y * Math.log(x + 1e-8) + stirling.applyAsDouble(x, y),
              false));
    }
    c.add(
        new Case(
            "kl-div",
            logProbabilities(false),
            (k, a, b, v, g, h, s, f, t) -> k.klDiv(a, b, false, v, g, h, s, f, t),
            (x, t) -> t == 0 ? 0 : t * (Math.log(t) - x),
            true));
    c.add(
        new Case(
            "kl-div log-target",
            logProbabilities(true),
            (k, a, b, v, g, h, s, f, t) -> k.klDiv(a, b, true, v, g, h, s, f, t),
            (x, t) -> Math.exp(t) * (t - x),
            true));
    c.add(
        new Case(
            "hinge",
            logitsAndLabels(false),
            (k, a, b, v, g, h, s, f, t) -> k.hinge(a, b, v, g, s, f, t),
            (p, t) -> Math.max(0, 1 - (t > 0 ? 1 : -1) * p),
            false));
    c.add(
        new Case(
            "squared-hinge",
            logitsAndLabels(false),
            (k, a, b, v, g, h, s, f, t) -> k.squaredHinge(a, b, v, g, s, f, t),
            (p, t) -> Math.pow(Math.max(0, 1 - (t > 0 ? 1 : -1) * p), 2),
            false));
    return c.stream();
  }

  private static Kernels vector() {
    return Vectorization.vector()
        .orElseThrow(
            () ->
                new AssertionError(
                    "tests run with --add-modules jdk.incubator.vector (surefire argLine)"));
  }

  /** The outputs of one kernel call over [from, to) of arrays of size n, others left NaN. */
  record Run(double sum, float[] values, float[] g0, float[] g1) {}

  static Run run(Case c, Kernels k, float[] a, float[] b, double scale, int from, boolean grads) {
    int n = a.length;
    float[] v = nans(n);
    float[] g0 = grads ? nans(n) : null;
    float[] g1 = grads && c.twoGrads() ? nans(n) : null;
    double sum = c.call().run(k, a, b, v, g0, g1, scale, from, n);
    return new Run(sum, v, g0, g1);
  }

  static float[] nans(int n) {
    float[] x = new float[n];
    Arrays.fill(x, Float.NaN);
    return x;
  }

  static void close(double expected, double actual, double rtol, double atol, String what) {
    if (!(Math.abs(expected - actual) <= atol + rtol * Math.abs(expected))) {
      fail(what + ": expected " + expected + ", found " + actual);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void vectorAgreesWithScalarAndOracleAtEverySize(Case c) {
    Kernels vector = vector();
    Kernels scalar = Vectorization.scalar();
    SplittableRandom random = new SplittableRandom(c.name().hashCode());
    for (boolean extreme : new boolean[] {false, true}) {
      for (int n : SIZES) {
        float[] a = new float[n];
        float[] b = new float[n];
        c.draw().fill(random, a, b, extreme);
        for (int from : new int[] {0, Math.min(n, 3)}) {
          for (boolean grads : new boolean[] {false, true}) {
            double scale = n > 0 ? 1.0 / n : 1;
            String at = c + (extreme ? " extreme" : "") + " n=" + n + " from=" + from;
            Run s = run(c, scalar, a, b, scale, from, grads);
            Run v = run(c, vector, a, b, scale, from, grads);
            compare(c, a, b, from, s, v, scale, at);
          }
        }
      }
    }
  }

  private static void compare(
      Case c, float[] a, float[] b, int from, Run s, Run v, double scale, String at) {
    double magnitude = 0;
    double oracleSum = 0;
    for (int i = 0; i < a.length; i++) {
      if (i < from) {
        assertTrue(Float.isNaN(v.values()[i]), at + ": value outside the range written");
        continue;
      }
      double o = c.oracle().applyAsDouble(a[i], b[i]);
      magnitude += Math.abs(o);
      oracleSum += o;
      if (Math.abs(o) <= Float.MAX_VALUE) {
        close(o, s.values()[i], 1e-6, 1e-7, at + " scalar value[" + i + "]");
        close(o, v.values()[i], 1e-5, 1e-6, at + " vector value[" + i + "]");
      }
      if (Float.isFinite(s.values()[i])) {
        assertTrue(Float.isFinite(v.values()[i]), at + " vector value[" + i + "] not finite");
      }
      if (s.g0() != null) {
        close(s.g0()[i], v.g0()[i], 1e-5, 1e-6 * scale, at + " gradient[" + i + "]");
      }
      if (s.g1() != null) {
        close(s.g1()[i], v.g1()[i], 1e-5, 1e-6 * scale, at + " second gradient[" + i + "]");
      }
    }
    if (Double.isFinite(oracleSum)) {
      close(oracleSum, s.sum(), 1e-9, 1e-12 + 1e-9 * magnitude, at + " scalar sum");
      close(oracleSum, v.sum(), 1e-5, 1e-6 + 1e-5 * magnitude, at + " vector sum");
    }
    if (Double.isFinite(s.sum())) {
      assertTrue(Double.isFinite(v.sum()), at + " vector sum " + v.sum() + " not finite");
    }
  }

  /**
   * Once compiled, no vector kernel allocates per element: C2 gives each compilation a budget of IR
   * nodes for inlining, and a vector operation left out of line past it boxes its vectors (some 32
   * bytes per operation and 8 elements) and runs ten times slower. Measured in a JVM of its own
   * ({@link KernelAllocation}), as a user's would be: in this one, thousands of earlier tests
   * (extreme inputs, odd sizes, the scalar fallbacks) have deoptimised kernels many times over.
   */
  @Test
  void compiledVectorKernelsAllocateNothingPerElement() throws Exception {
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules",
                "jdk.incubator.vector",
                "-cp",
                System.getProperty("java.class.path"),
                KernelAllocation.class.getName())
            .redirectErrorStream(true)
            .start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, child.waitFor(), out);
  }

  @Test
  void floatOverflowFallsBackToDoubleForTheBlock() {
    // Residuals of 1e30: their squares overflow float but not double.
    int n = 1000;
    float[] p = new float[n];
    float[] t = new float[n];
    Arrays.fill(p, 1e30f);
    double vector = vector().mse(p, t, null, null, 1, 0, n);
    double scalar = Vectorization.scalar().mse(p, t, null, null, 1, 0, n);
    assertTrue(Double.isFinite(vector), "finite in double: " + vector);
    assertEquals(scalar, vector, 1e-12 * scalar);
  }

  @Test
  void disabledByThePropertyFallsBackToScalar() {
    assertSame(Vectorization.scalar(), Vectorization.select("false"));
    assertSame(Vectorization.scalar(), Vectorization.select("FALSE"));
    assertEquals(vector().getClass(), Vectorization.select(null).getClass());
    assertEquals(vector().getClass(), Vectorization.select("true").getClass());
  }

  /** gaussian-nll's per-element value in double, for one variance. */
  static double gaussianNll(double p, double t, double var, double eps, double constant) {
    double v = Math.max(var, eps);
    return 0.5 * (Math.log(v) + (p - t) * (p - t) / v) + constant;
  }

  /** Equal, or within atol + rtol |expected|: infinities of float overflow must match exactly. */
  static void closeOrSame(double expected, double actual, double rtol, double atol, String what) {
    if (expected != actual) {
      close(expected, actual, rtol, atol, what);
    }
  }

  @Test
  void gaussianNllVectorAgreesWithScalarAndOracleAtEverySize() {
    Kernels vector = vector();
    Kernels scalar = Vectorization.scalar();
    SplittableRandom random = new SplittableRandom(42);
    double eps = 1e-6;
    for (double constant : new double[] {0, HALF_LOG_2PI}) {
      for (boolean extreme : new boolean[] {false, true}) {
        for (int n : SIZES) {
          float[] p = new float[n];
          float[] t = new float[n];
          float[] var = new float[n];
          residuals().fill(random, p, t, extreme);
          for (int i = 0; i < n; i++) {
            var[i] =
                extreme
                    ? i % 7 == 0 ? 0f : (float) Math.pow(10, random.nextInt(-12, 13))
                    : (float) (0.1 + 1.9 * random.nextDouble());
          }
          for (int from : new int[] {0, Math.min(n, 3)}) {
            double scale = n > 0 ? 1.0 / n : 1;
            String at = "gaussian-nll" + (extreme ? " extreme" : "") + " n=" + n + " from=" + from;
            float[][] s = {nans(n), nans(n), nans(n)};
            float[][] v = {nans(n), nans(n), nans(n)};
            double ss =
                scalar.gaussianNll(p, t, var, 1, eps, constant, s[0], s[1], s[2], scale, from, n);
            double vs =
                vector.gaussianNll(p, t, var, 1, eps, constant, v[0], v[1], v[2], scale, from, n);
            double vn =
                vector.gaussianNll(p, t, var, 1, eps, constant, null, null, null, scale, from, n);
            assertEquals(vs, vn, 0, at + ": value-only sum");
            double oracleSum = 0;
            double magnitude = 0;
            for (int i = 0; i < n; i++) {
              if (i < from) {
                assertTrue(Float.isNaN(v[0][i]) && Float.isNaN(v[2][i]), at + ": outside range");
                continue;
              }
              double o = gaussianNll(p[i], t[i], var[i], eps, constant);
              oracleSum += o;
              magnitude += Math.abs(o);
              double vv = Math.max(var[i], eps);
              double r = (double) p[i] - t[i];
              // The terms that cancel set the scale of the rounding error.
              double terms = Math.abs(Math.log(vv)) + r * r / vv + constant;
              if (Math.abs(o) <= Float.MAX_VALUE) {
                close(o, s[0][i], 1e-6, 1e-7, at + " scalar value[" + i + "]");
                close(o, v[0][i], 1e-5, 1e-6 * terms + 1e-37, at + " vector value[" + i + "]");
              }
              closeOrSame(s[1][i], v[1][i], 1e-5, 1e-6 * scale, at + " gradient pred[" + i + "]");
              closeOrSame(
                  s[2][i],
                  v[2][i],
                  1e-5,
                  1e-6 * scale * (1 / vv + r * r / (vv * vv)),
                  at + " gradient var[" + i + "]");
            }
            if (Double.isFinite(oracleSum)) {
              close(oracleSum, ss, 1e-9, 1e-12 + 1e-9 * magnitude, at + " scalar sum");
              close(oracleSum, vs, 1e-5, 1e-6 + 1e-5 * magnitude, at + " vector sum");
            }
          }
        }
      }
    }
  }

  /**
   * Shared variances split at any point: the range holding a group's first element writes its
   * variance gradient (the whole group's sum), the others leave it alone; values and sums add up.
   */
  @Test
  void gaussianNllSharedVarianceSplitsAtAnyBoundary() {
    int group = 5;
    int n = 103; // the last group is short
    SplittableRandom random = new SplittableRandom(7);
    float[] p = new float[n];
    float[] t = new float[n];
    float[] var = new float[(n + group - 1) / group];
    residuals().fill(random, p, t, false);
    for (int j = 0; j < var.length; j++) {
      var[j] = (float) (0.2 + random.nextDouble());
    }
    for (Kernels k : List.of(Vectorization.scalar(), vector())) {
      float[] values = nans(n);
      float[] gp = nans(n);
      float[] gv = nans(var.length);
      double whole = k.gaussianNll(p, t, var, group, 1e-6, 0, values, gp, gv, 0.5, 0, n);
      for (int cut = 0; cut <= n; cut += 1) {
        float[][] split = {nans(n), nans(n), nans(var.length)};
        double sum =
            k.gaussianNll(p, t, var, group, 1e-6, 0, split[0], split[1], split[2], 0.5, 0, cut)
                + k.gaussianNll(
                    p, t, var, group, 1e-6, 0, split[0], split[1], split[2], 0.5, cut, n);
        assertEquals(whole, sum, 1e-12 * Math.abs(whole), "sum split at " + cut);
        assertTrue(Arrays.equals(values, split[0]), "values split at " + cut);
        assertTrue(Arrays.equals(gp, split[1]), "pred gradient split at " + cut);
        assertTrue(Arrays.equals(gv, split[2]), "var gradient split at " + cut);
      }
      for (int j = 0; j < var.length; j++) {
        double v = var[j];
        double dv = 0;
        for (int i = j * group; i < Math.min(n, (j + 1) * group); i++) {
          double r = (double) p[i] - t[i];
          dv += 0.5 * (1 / v - r * r / (v * v));
        }
        close(0.5 * dv, gv[j], 1e-6, 1e-7, "var gradient[" + j + "]");
      }
    }
  }
}
