package dev.losskit.generative;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.losskit.Tensor;
import dev.losskit.internal.Samples;
import dev.losskit.testing.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The schedule against the same formulas written with torch float64 operations ({@code
 * tools/reference/generative.py}, file {@code diffusion-schedule.json} beside this class), and its
 * defining properties.
 */
class DiffusionScheduleTest {
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> cases() throws IOException {
    try (InputStream s =
        DiffusionScheduleTest.class.getResourceAsStream("diffusion-schedule.json")) {
      if (s == null) {
        throw new AssertionError("diffusion-schedule.json is missing");
      }
      Map<String, Object> doc =
          (Map<String, Object>) Json.parse(new String(s.readAllBytes(), StandardCharsets.UTF_8));
      return (List<Map<String, Object>>) doc.get("cases");
    }
  }

  private static double[] doubles(Object list) {
    List<?> l = (List<?>) list;
    double[] out = new double[l.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (Double) l.get(i);
    }
    return out;
  }

  private static void close(double expected, double actual, double rtol, String what) {
    if (!(Math.abs(expected - actual) <= rtol * Math.abs(expected) + 1e-300)) {
      fail(what + ": torch " + expected + ", losskit " + actual);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  @SuppressWarnings("unchecked")
  void agreesWithTorch(Map<String, Object> c) {
    String name = (String) c.get("schedule");
    int steps = ((Double) c.get("steps")).intValue();
    DiffusionSchedule s =
        DiffusionSchedule.of(name, steps, (Double) c.get("beta-start"), (Double) c.get("beta-end"));
    assertEquals(steps, s.steps());
    assertEquals(name, s.name());
    double[] ts = doubles(c.get("t"));
    double[] betas = doubles(c.get("betas"));
    double[] alphas = doubles(c.get("alphas"));
    double[] abar = doubles(c.get("cumulative-alphas"));
    double[] snr = doubles(c.get("snr"));
    for (int i = 0; i < ts.length; i++) {
      int t = (int) ts[i];
      String at = name + " " + steps + " t=" + t;
      // torch's 1 - f(u1) / f(u0) loses about 1e-11 of the small cosine betas to cancellation.
      close(betas[i], s.beta(t), 1e-9, at + " beta");
      close(betas[i], s.betas()[t], 1e-9, at + " betas()");
      close(alphas[i], s.alpha(t), 1e-12, at + " alpha");
      close(alphas[i], s.alphas()[t], 1e-12, at + " alphas()");
      close(abar[i], s.cumulativeAlpha(t), 1e-9, at + " cumulative alpha");
      close(abar[i], s.cumulativeAlphas()[t], 1e-9, at + " cumulativeAlphas()");
      close(snr[i], s.snr(t), 1e-9, at + " snr");
      close(snr[i], s.snrs()[t], 1e-9, at + " snrs()");
    }
    Map<String, Object> fw = (Map<String, Object>) c.get("forward");
    double[] shapeD = doubles(fw.get("shape"));
    int[] shape = new int[shapeD.length];
    for (int d = 0; d < shape.length; d++) {
      shape[d] = (int) shapeD[d];
    }
    Tensor x0 = Tensor.of(doubles(fw.get("x0")), shape);
    Tensor eps = Tensor.of(doubles(fw.get("eps")), shape);
    int[] steps0 = new int[ts.length];
    for (int i = 0; i < ts.length; i++) {
      steps0[i] = (int) ts[i];
    }
    float[] xt = s.forward(x0, eps, Tensor.indices(steps0)).data();
    double[] expected = doubles(fw.get("xt"));
    for (int i = 0; i < xt.length; i++) {
      assertEquals(expected[i], xt[i], 1e-6 * (1 + Math.abs(expected[i])), name + " x_t " + i);
    }
  }

  @Test
  void linearBetasRunFromBetaStartToBetaEnd() {
    DiffusionSchedule s = DiffusionSchedule.linear(1000, 1e-4, 0.02);
    assertEquals(1e-4, s.beta(0), 0);
    assertEquals(0.02, s.beta(999), 0);
    assertEquals(1e-4 + 500 * (0.02 - 1e-4) / 999, s.beta(500), 1e-16);
    assertEquals(1 - 1e-4, s.cumulativeAlpha(0), 1e-16);
    assertEquals((1 - 1e-4) / 1e-4, s.snr(0), 1e-8);
    assertEquals(0.07, DiffusionSchedule.linear(1, 0.07, 0.5).beta(0), 0);
  }

  @Test
  void cosineCumulativeAlphasFollowTheSquaredCosineUntilTheClip() {
    int steps = 1000;
    DiffusionSchedule s = DiffusionSchedule.cosine(steps);
    double f0 = Math.pow(Math.cos(0.008 / 1.008 * Math.PI / 2), 2);
    for (int t = 0; t < steps; t++) {
      double f = Math.pow(Math.cos(((t + 1.0) / steps + 0.008) / 1.008 * Math.PI / 2), 2);
      if (s.beta(t) < 0.999) {
        assertEquals(f / f0, s.cumulativeAlpha(t), 1e-10 * (f / f0) + 1e-300, "t=" + t);
      }
    }
    assertEquals(0.999, s.beta(steps - 1), 0);
  }

  @Test
  void cumulativeAlphasAndSnrDecreaseAndStayPositive() {
    for (DiffusionSchedule s :
        List.of(
            DiffusionSchedule.linear(1000, 1e-4, 0.02),
            DiffusionSchedule.cosine(1000),
            DiffusionSchedule.cosine(3))) {
      double[] abar = s.cumulativeAlphas();
      double[] snr = s.snrs();
      for (int t = 0; t < abar.length; t++) {
        assertTrue(abar[t] > 0 && abar[t] < 1, s + " abar " + t);
        assertTrue(snr[t] > 0 && Double.isFinite(snr[t]), s + " snr " + t);
        if (t > 0) {
          assertTrue(abar[t] < abar[t - 1], s + " abar decreasing at " + t);
          assertTrue(snr[t] < snr[t - 1], s + " snr decreasing at " + t);
        }
      }
    }
  }

  @Test
  void minSnrWeightIsGammaOverSnrAboveGammaAndOneBelow() {
    DiffusionSchedule s = DiffusionSchedule.linear(1000, 1e-4, 0.02);
    for (int t = 0; t < 1000; t++) {
      double snr = s.snr(t);
      double w = s.minSnrWeight(t, 5);
      assertEquals(Math.min(snr, 5) / snr, w, 1e-15, "t=" + t);
      assertTrue(w > 0 && w <= 1);
    }
    assertEquals(1, s.minSnrWeight(999, 5), 0);
    assertEquals(5 / s.snr(0), s.minSnrWeight(0, 5), 0);
  }

  @Test
  void forwardAtOneStepMixesSignalAndNoise() {
    DiffusionSchedule s = DiffusionSchedule.cosine(100);
    SplittableRandom r = new SplittableRandom(5);
    Tensor x0 = Samples.normal(r, 1, 2, 3);
    Tensor eps = Samples.normal(r, 1, 2, 3);
    float[] xt = s.forward(x0, eps, 40).data();
    float[] perSample = s.forward(x0, eps, Tensor.indices(new int[] {40, 40})).data();
    assertArrayEquals(xt, perSample, 0f);
    double a = s.cumulativeAlpha(40);
    for (int i = 0; i < xt.length; i++) {
      assertEquals(
          Math.sqrt(a) * x0.data()[i] + Math.sqrt(1 - a) * eps.data()[i], xt[i], 1e-6, "x_t " + i);
    }
    float[] copy = x0.data().clone();
    s.forward(x0, eps, 99);
    assertArrayEquals(copy, x0.data(), 0f, "x0 not modified");
  }

  @Test
  void badArgumentsAreRejectedByName() {
    DiffusionSchedule s = DiffusionSchedule.linear(10, 1e-4, 0.02);
    Tensor x = Tensor.of(new float[6], 2, 3);
    assertMessage(() -> DiffusionSchedule.linear(0, 1e-4, 0.02), "steps", "0");
    assertMessage(() -> DiffusionSchedule.cosine(-3), "steps", "-3");
    assertMessage(() -> DiffusionSchedule.linear(10, 0, 0.02), "beta-start", "(0, 1)");
    assertMessage(() -> DiffusionSchedule.linear(10, 1e-4, 1), "beta-end", "(0, 1)");
    assertMessage(() -> DiffusionSchedule.of("sigmoid", 10, 1e-4, 0.02), "schedule", "sigmoid");
    assertMessage(() -> s.snr(10), "t", "[0, 10)", "10");
    assertMessage(() -> s.beta(-1), "t", "-1");
    assertMessage(() -> s.forward(x, x, 10), "t", "10");
    assertMessage(() -> s.forward(x, Tensor.of(new float[6], 6), 1), "eps", "(2, 3)", "(6)");
    assertMessage(() -> s.forward(x, x, Tensor.indices(new int[] {1, 10})), "t", "10");
    assertMessage(() -> s.forward(x, x, Tensor.indices(new int[] {1})), "t", "(2)", "(1)");
    assertMessage(() -> s.forward(x, x, Tensor.of(new float[] {1, 2})), "t", "integer");
    assertMessage(
        () -> s.forward(Tensor.scalar(1), Tensor.scalar(1), Tensor.indices(new int[] {1})),
        "x0",
        "(N, ...)");
  }

  private static void assertMessage(Runnable r, String... words) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    for (String w : words) {
      assertTrue(e.getMessage().contains(w), "'" + w + "' in: " + e.getMessage());
    }
    assertFalse(e.getMessage().isBlank());
  }
}
