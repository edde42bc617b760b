package dev.losskit.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.LossResult;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.internal.Samples;
import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The contract of the region losses (dice, squared-dice, log-cosh-dice, jaccard, tversky,
 * focal-tversky), with the cases they share: every layout, ignore-index, class weights, per-image
 * and from-logits, extremes and bad inputs. A subclass gives the id and the per-class formula.
 */
abstract class RegionLossContract extends LossContractTest {
  /** The per-class loss, straight from the catalogue formula. */
  protected abstract SegOracle.PerClass perClass(Params p);

  /** Parameter cases of the loss's own parameters. */
  protected List<Map<String, ?>> ownParamCases() {
    return List.of();
  }

  Oracle oracle(SegOracle.Raw in, Params p) {
    return SegOracle.region(in, p, perClass(p));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    return oracle(SegOracle.Raw.of(in), p);
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    List<Map<String, ?>> all = new ArrayList<>();
    all.add(Map.of("smooth", 0));
    all.add(Map.of("smooth", 0.5, "per-image", true));
    all.add(Map.of("from-logits", true));
    all.add(Map.of("from-logits", true, "per-image", true, "smooth", 2));
    all.add(Map.of("ignore-index", 255));
    all.add(Map.of("ignore-index", 1, "per-image", "true"));
    all.addAll(ownParamCases());
    return all;
  }

  // ---------------------------------------------------------------- inputs

  static Tensor f(float[] x, int... shape) {
    return Tensor.shaped(x, shape);
  }

  static Tensor idx(int[] y, int... shape) {
    return Tensor.indices(y, shape);
  }

  /** Values of exactly 0 and 1 (or logits of -1000 and +1000) and a few in between. */
  static Tensor extremes(SplittableRandom r, boolean logits, int... shape) {
    float[] x = new float[dev.losskit.Shapes.size(shape)];
    for (int i = 0; i < x.length; i++) {
      int k = r.nextInt(3);
      float v = k == 0 ? 0 : k == 1 ? 1 : (float) r.nextDouble();
      x[i] = logits ? (k == 0 ? -1000 : k == 1 ? 1000 : 4 * v - 2) : v;
    }
    return f(x, shape);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    boolean logits = p.bool("from-logits");
    int ignore = (int) p.integer("ignore-index");
    float lo = logits ? -1000 : 0;
    float hi = logits ? 1000 : 1;
    List<Tensor[]> out = new ArrayList<>();
    // Probabilities exactly 0 and 1 (logits of -1000 and 1000), binary masks.
    out.add(new Tensor[] {extremes(r, logits, 2, 3, 4), Samples.binary(r, 2, 3, 4)});
    // All-background target and prediction.
    float[] none = new float[24];
    java.util.Arrays.fill(none, lo);
    out.add(new Tensor[] {f(none, 2, 1, 3, 4), f(new float[24], 2, 1, 3, 4)});
    // A perfect prediction of a single-pixel object.
    float[] t1 = new float[16];
    t1[5] = 1;
    float[] p1 = new float[16];
    java.util.Arrays.fill(p1, lo);
    p1[5] = hi;
    out.add(new Tensor[] {f(p1, 1, 4, 4), f(t1, 1, 4, 4)});
    // A single-pixel object, missed entirely.
    float[] p2 = new float[16];
    java.util.Arrays.fill(p2, lo);
    p2[6] = hi;
    out.add(new Tensor[] {f(p2, 1, 4, 4), f(t1, 1, 4, 4)});
    // Multi-class, one-hot predictions of exactly 0 and 1, ignored pixels, a zero class weight.
    int[] y = {0, 1, 2, ignore, 1, 1, 0, 2};
    float[] oneHot = new float[24];
    for (int n = 0; n < 2; n++) {
      for (int s = 0; s < 4; s++) {
        int c = (n * 4 + s) % 3;
        oneHot[(n * 3 + c) * 4 + s] = hi;
        for (int k = 0; k < 3; k++) {
          if (k != c) {
            oneHot[(n * 3 + k) * 4 + s] = lo;
          }
        }
      }
    }
    out.add(new Tensor[] {f(oneHot, 2, 3, 2, 2), idx(y, 2, 2, 2), f(new float[] {0, 1, 2}, 3)});
    // Every pixel ignored.
    int[] all = new int[8];
    java.util.Arrays.fill(all, ignore);
    out.add(new Tensor[] {extremes(r, logits, 2, 3, 4), idx(all, 2, 4)});
    // Perfect one-hot predictions of one-hot targets.
    float[] target = new float[24];
    for (int i = 0; i < 24; i++) {
      target[i] = oneHot[i] == hi ? 1 : 0;
    }
    out.add(new Tensor[] {f(oneHot, 2, 3, 2, 2), f(target, 2, 3, 2, 2)});
    return out;
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    Tensor p3 = Samples.probabilities(r, 2, 3, 4);
    Tensor p4 = Samples.simplex(r, 2, 3, 4, 4);
    return List.of(
        new BadInput(
            "mask of another shape",
            new Tensor[] {p3, Samples.binary(r, 2, 4, 3)},
            "target",
            "(2, 3, 4)",
            "(2, 4, 3)"),
        new BadInput(
            "class indices of the wrong shape",
            new Tensor[] {p4, Samples.classes(r, 3, 2, 4, 5)},
            "target",
            "(2, 4, 4)",
            "(2, 4, 5)"),
        new BadInput(
            "class index out of range",
            new Tensor[] {p4, idx(withValue(32, 3, 7), 2, 4, 4)},
            "target",
            "[0, 3)",
            "found 3",
            "index 7"),
        new BadInput(
            "negative class index",
            new Tensor[] {p4, idx(withValue(32, -1, 0), 2, 4, 4)},
            "target",
            "found -1"),
        new BadInput(
            "probability above 1",
            new Tensor[] {f(new float[] {0.5f, 1.5f, 0}, 3), f(new float[3], 3)},
            "pred",
            "probabilities",
            "1.5"),
        new BadInput(
            "negative probability",
            new Tensor[] {f(new float[] {-0.25f, 0.5f}, 2, 1), f(new float[2], 2, 1)},
            "pred",
            "[0, 1]",
            "-0.25"),
        new BadInput(
            "target outside [0, 1]",
            new Tensor[] {p3, f(filled(24, 2), 2, 3, 4)},
            "target",
            "probabilities"),
        new BadInput(
            "class-weight of the wrong size",
            new Tensor[] {p4, Samples.classes(r, 3, 2, 4, 4), f(new float[] {1, 2}, 2)},
            "class-weight",
            "(3)",
            "(2)"),
        new BadInput(
            "class weights all zero",
            new Tensor[] {p4, Samples.classes(r, 3, 2, 4, 4), f(new float[3], 3)},
            "class-weight",
            "positive"),
        new BadInput(
            "class indices without a class dimension",
            new Tensor[] {f(new float[] {0.5f, 0.5f}, 2), idx(new int[] {0, 1}, 2)},
            "pred",
            "(N, C"),
        new BadInput(
            "scalar pred",
            new Tensor[] {Tensor.scalar(0.5f), Tensor.scalar(1)},
            "pred",
            "at least one dimension"),
        new BadInput(
            "no classes",
            new Tensor[] {f(new float[0], 2, 0, 3), idx(new int[6], 2, 3)},
            "pred",
            "at least one class"),
        new BadInput(
            "logits without from-logits",
            new Tensor[] {Samples.normal(r, 5, 2, 3, 4), Samples.binary(r, 2, 3, 4)},
            "pred",
            "from-logits"));
  }

  static int[] withValue(int size, int value, int at) {
    int[] y = new int[size];
    y[at] = value;
    return y;
  }

  static float[] filled(int size, float v) {
    float[] x = new float[size];
    java.util.Arrays.fill(x, v);
    return x;
  }

  // ---------------------------------------------------------------- every layout

  /** One input set per layout, probabilities or logits. */
  static List<Tensor[]> layouts(SplittableRandom r, boolean logits, long ignore) {
    int[] y = new int[2 * 12];
    for (int i = 0; i < y.length; i++) {
      y[i] = i % 5 == 4 ? (int) ignore : r.nextInt(3);
    }
    return List.of(
        new Tensor[] {Masks.sampledPred(r, logits, false, 2, 3, 4), Samples.binary(r, 2, 3, 4)},
        new Tensor[] {
          Masks.sampledPred(r, logits, false, 2, 1, 3, 4), Samples.uniform(r, 0, 1, 2, 1, 3, 4)
        },
        new Tensor[] {Masks.sampledPred(r, logits, false, 3, 5), Samples.binary(r, 3, 5)},
        new Tensor[] {
          Masks.sampledPred(r, logits, true, 2, 3, 3, 4),
          idx(y, 2, 3, 4),
          Samples.uniform(r, 0.5, 2, 3)
        },
        new Tensor[] {
          Masks.sampledPred(r, logits, true, 2, 3, 5), Samples.classes(r, 3, 2, 5), null
        },
        new Tensor[] {
          Masks.sampledPred(r, logits, true, 2, 3, 2, 2, 3),
          Masks.oneHot(Samples.classes(r, 3, 2, 2, 2, 3), 3)
        },
        new Tensor[] {
          Masks.sampledPred(r, logits, true, 2, 4, 3, 2),
          Samples.simplex(r, 2, 4, 3, 2),
          Samples.uniform(r, 0, 2, 4)
        });
  }

  @Test
  void everyLayoutAgreesWithTheOracle() {
    for (Map<String, ?> given :
        List.<Map<String, ?>>of(
            Map.of(),
            Map.of("per-image", true),
            Map.of("from-logits", true),
            Map.of("from-logits", true, "per-image", true, "smooth", 0),
            Map.of("ignore-index", 2))) {
      Params p = spec().params(given);
      SplittableRandom r = new SplittableRandom(31);
      for (Tensor[] in : layouts(r, p.bool("from-logits"), p.integer("ignore-index"))) {
        SegChecks.agree(spec(), given, in, this::oracle, id() + " " + given + " " + in[0]);
      }
    }
  }

  // ---------------------------------------------------------------- semantics

  @Test
  void ignoredPixelsAreLeftOutAsIfCroppedAway() {
    SplittableRandom r = new SplittableRandom(3);
    for (Map<String, ?> given :
        List.<Map<String, ?>>of(Map.of(), Map.of("per-image", true, "from-logits", true))) {
      boolean logits = spec().params(given).bool("from-logits");
      Tensor full = Masks.sampledPred(r, logits, true, 2, 3, 2, 4);
      int[] y = new int[16];
      int[] yKept = new int[12];
      float[] kept = new float[2 * 3 * 2 * 3];
      for (int n = 0; n < 2; n++) {
        for (int h = 0; h < 2; h++) {
          for (int w = 0; w < 4; w++) {
            int c = r.nextInt(3);
            y[(n * 2 + h) * 4 + w] = w == 2 ? -100 : c;
            if (w != 2) {
              int kw = w < 2 ? w : w - 1;
              yKept[(n * 2 + h) * 3 + kw] = c;
              for (int k = 0; k < 3; k++) {
                kept[((n * 3 + k) * 2 + h) * 3 + kw] = full.data()[((n * 3 + k) * 2 + h) * 4 + w];
              }
            }
          }
        }
      }
      Tensor[] a = {full, idx(y, 2, 2, 4)};
      Tensor[] b = {f(kept, 2, 3, 2, 3), idx(yKept, 2, 2, 3)};
      LossResult ra = spec().create(given).evaluate(Reduction.SUM, a);
      LossResult rb = spec().create(given).evaluate(Reduction.SUM, b);
      assertEquals(rb.value(), ra.value(), 1e-6, "value with ignored pixels " + given);
      float[] ga = ra.grad(0).data();
      float[] gb = rb.grad(0).data();
      for (int n = 0; n < 2; n++) {
        for (int k = 0; k < 3; k++) {
          for (int h = 0; h < 2; h++) {
            for (int w = 0; w < 4; w++) {
              float g = ga[((n * 3 + k) * 2 + h) * 4 + w];
              if (w == 2) {
                assertEquals(0f, g, "gradient at an ignored pixel");
              } else {
                int kw = w < 2 ? w : w - 1;
                assertEquals(gb[((n * 3 + k) * 2 + h) * 3 + kw], g, 1e-6f, "gradient " + given);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void oneHotTargetsEqualClassIndices() {
    SplittableRandom r = new SplittableRandom(4);
    for (Map<String, ?> given :
        List.<Map<String, ?>>of(Map.of(), Map.of("per-image", true, "from-logits", true))) {
      boolean logits = spec().params(given).bool("from-logits");
      Tensor pred = Masks.sampledPred(r, logits, true, 3, 4, 2, 3);
      Tensor y = Samples.classes(r, 4, 3, 2, 3);
      Tensor w = Samples.uniform(r, 0.1, 3, 4);
      Tensor[] a = {pred, y, w};
      Tensor[] b = {pred, Masks.oneHot(y, 4), w};
      assertEquals(
          SegChecks.value(spec(), given, Reduction.MEAN, a),
          SegChecks.value(spec(), given, Reduction.MEAN, b),
          1e-7);
      org.junit.jupiter.api.Assertions.assertArrayEquals(
          SegChecks.grad(spec(), given, Reduction.MEAN, a),
          SegChecks.grad(spec(), given, Reduction.MEAN, b),
          1e-7f);
    }
  }

  @Test
  void aSingleWeightedClassIsThatClassAsABinaryMask() {
    SplittableRandom r = new SplittableRandom(5);
    Tensor pred = Samples.simplex(r, 2, 3, 3, 3);
    Tensor y = Samples.classes(r, 3, 2, 3, 3);
    float[] channel = new float[18];
    float[] mask = new float[18];
    for (int n = 0; n < 2; n++) {
      for (int s = 0; s < 9; s++) {
        channel[n * 9 + s] = pred.data()[(n * 3 + 1) * 9 + s];
        mask[n * 9 + s] = y.data()[n * 9 + s] == 1 ? 1 : 0;
      }
    }
    Tensor[] multi = {pred, y, f(new float[] {0, 2.5f, 0}, 3)};
    Tensor[] binary = {f(channel, 2, 3, 3), f(mask, 2, 3, 3)};
    assertEquals(
        SegChecks.value(spec(), Map.of(), Reduction.MEAN, binary),
        SegChecks.value(spec(), Map.of(), Reduction.MEAN, multi),
        1e-7);
    float[] gm = SegChecks.grad(spec(), Map.of(), Reduction.MEAN, multi);
    float[] gb = SegChecks.grad(spec(), Map.of(), Reduction.MEAN, binary);
    for (int n = 0; n < 2; n++) {
      for (int s = 0; s < 9; s++) {
        assertEquals(gb[n * 9 + s], gm[(n * 3 + 1) * 9 + s], 1e-7f);
        assertEquals(0f, gm[(n * 3) * 9 + s]);
        assertEquals(0f, gm[(n * 3 + 2) * 9 + s]);
      }
    }
  }

  @Test
  void perImageValuesAreTheLossesOfEachImageAlone() {
    SplittableRandom r = new SplittableRandom(6);
    Tensor pred = Samples.simplex(r, 3, 3, 2, 4);
    Tensor y = Samples.classes(r, 3, 3, 2, 4);
    float[] values =
        spec().create(Map.of("per-image", true)).evaluate(Reduction.NONE, pred, y).values().data();
    assertEquals(3, values.length);
    double mean = 0;
    for (int n = 0; n < 3; n++) {
      float[] pn = new float[24];
      System.arraycopy(pred.data(), n * 24, pn, 0, 24);
      float[] yn = new float[8];
      System.arraycopy(y.data(), n * 8, yn, 0, 8);
      double alone =
          SegChecks.value(
              spec(), Map.of(), Reduction.MEAN, f(pn, 1, 3, 2, 4), Tensor.integral(yn, 1, 2, 4));
      assertEquals(alone, values[n], 1e-6);
      mean += alone / 3;
    }
    assertEquals(
        mean, SegChecks.value(spec(), Map.of("per-image", true), Reduction.MEAN, pred, y), 1e-6);
    double global = SegChecks.value(spec(), Map.of(), Reduction.MEAN, pred, y);
    assertTrue(Math.abs(global - mean) > 1e-6, "global sums differ from the mean over images");
  }

  @Test
  void anEmptyUnionWithoutSmoothingCountsAsAPerfectMatch() {
    Tensor[] empty = {f(new float[12], 1, 3, 4), f(new float[12], 1, 3, 4)};
    LossResult res = spec().create(Map.of("smooth", 0)).evaluate(Reduction.MEAN, empty);
    assertEquals(0.0, res.value());
    for (float g : res.grad(0).data()) {
      assertEquals(0f, g);
    }
    // With smoothing the same masks are a perfect match too, with a finite gradient.
    LossResult smoothed = spec().create().evaluate(Reduction.MEAN, empty);
    assertEquals(0.0, smoothed.value(), 1e-12);
    for (float g : smoothed.grad(0).data()) {
      assertTrue(Float.isFinite(g));
    }
  }

  @Test
  void logitsEqualTheirProbabilities() {
    SplittableRandom r = new SplittableRandom(8);
    Tensor logits = Samples.normal(r, 2, 2, 3, 2, 2);
    float[] prob = new float[24];
    for (int n = 0; n < 2; n++) {
      for (int s = 0; s < 4; s++) {
        double z = 0;
        for (int c = 0; c < 3; c++) {
          z += Math.exp(logits.data()[(n * 3 + c) * 4 + s]);
        }
        for (int c = 0; c < 3; c++) {
          prob[(n * 3 + c) * 4 + s] = (float) (Math.exp(logits.data()[(n * 3 + c) * 4 + s]) / z);
        }
      }
    }
    Tensor y = Samples.classes(r, 3, 2, 2, 2);
    assertEquals(
        SegChecks.value(spec(), Map.of(), Reduction.MEAN, f(prob, 2, 3, 2, 2), y),
        SegChecks.value(spec(), Map.of("from-logits", true), Reduction.MEAN, logits, y),
        1e-6);
    Tensor binLogits = Samples.normal(r, 2, 2, 5);
    float[] sig = new float[10];
    for (int i = 0; i < 10; i++) {
      sig[i] = (float) (1 / (1 + Math.exp(-binLogits.data()[i])));
    }
    Tensor t = Samples.binary(r, 2, 5);
    assertEquals(
        SegChecks.value(spec(), Map.of(), Reduction.MEAN, f(sig, 2, 5), t),
        SegChecks.value(spec(), Map.of("from-logits", true), Reduction.MEAN, binLogits, t),
        1e-6);
  }
}
