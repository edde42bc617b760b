package dev.losskit.experiment;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The box-regression simulation of Zheng et al. (2020), section 3.2: anchor boxes of several scales
 * and aspect ratios, scattered around target boxes, are regressed to them by plain gradient descent
 * on each loss, and the total regression error is recorded per iteration.
 *
 * <p>Setting, as in the paper: 7 target boxes of area 1 centred at (10, 10) with aspect ratios 1:4,
 * 1:3, 1:2, 1:1, 2:1, 3:1 and 4:1; anchor centres drawn uniformly in the disc of radius 3 around
 * (10, 10); at each centre 49 anchors, of areas 0.5, 0.67, 0.75, 1, 1.33, 1.5 and 2 times the
 * aspect ratios above; every anchor regressed to every target. The paper uses 5000 centres
 * (1,715,000 regression cases); {@link Settings#quick()} uses 200 so that a run takes seconds here.
 * The update is the paper's {@code B_t = B_{t-1} - eta (2 - IoU_{t-1}) dL/dB}, eta = 0.1, for 200
 * iterations. The error is the sum over all cases of the L1 distance between the (x1, y1, x2, y2)
 * coordinates of the regressed box and its target. A box whose width or height would become
 * negative is kept at a width or height of 1e-6, so that every loss sees valid boxes.
 *
 * @see <a href="https://arxiv.org/abs/1911.08287">Zheng et al. (2020), Distance-IoU loss</a>
 */
public final class BoxRegressionSimulation {
  static final double[] AREAS = {0.5, 0.67, 0.75, 1, 1.33, 1.5, 2};
  static final double[] RATIOS = {1 / 4.0, 1 / 3.0, 1 / 2.0, 1, 2, 3, 4};

  /**
   * The losses the paper compares, plus the Gaussian Wasserstein and EIoU losses of the catalogue.
   */
  public static final List<String> LOSSES =
      List.of("iou", "giou", "diou", "ciou", "eiou", "gwd", "smooth-l1");

  /** What to run. */
  public record Settings(int centres, int iterations, double eta, long seed, List<String> losses) {
    /** The paper's size: 5000 centres. */
    public static Settings paper() {
      return new Settings(5000, 200, 0.1, 0, LOSSES);
    }

    /** A few seconds here: 200 centres. */
    public static Settings quick() {
      return new Settings(200, 200, 0.1, 0, LOSSES);
    }
  }

  /** The error curve of one loss: {@code error[t]} after t iterations, and the final mean IoU. */
  public record Curve(String loss, double[] error, double finalMeanIou) {}

  private BoxRegressionSimulation() {}

  /** Runs the simulation for every loss of the settings, each from the same anchors. */
  public static Map<String, Curve> run(Settings s) {
    float[][] cases = cases(s.centres(), s.seed());
    Map<String, Curve> out = new LinkedHashMap<>();
    for (String id : s.losses()) {
      out.put(id, regress(inCentreFormat(id), cases[0], cases[1], s));
    }
    return out;
  }

  /** Anchors and their targets, each {@code (cases, 4)} in cxcywh, flattened. */
  static float[][] cases(int centres, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int n = centres * AREAS.length * RATIOS.length * RATIOS.length;
    float[] anchors = new float[4 * n];
    float[] targets = new float[4 * n];
    int k = 0;
    for (int c = 0; c < centres; c++) {
      // Uniform in the disc: radius from the square root of a uniform draw.
      double r = 3 * Math.sqrt(random.nextDouble());
      double theta = 2 * Math.PI * random.nextDouble();
      double cx = 10 + r * Math.cos(theta);
      double cy = 10 + r * Math.sin(theta);
      for (double area : AREAS) {
        for (double ratio : RATIOS) {
          double w = Math.sqrt(area * ratio);
          double h = Math.sqrt(area / ratio);
          for (double targetRatio : RATIOS) {
            put(anchors, k, cx, cy, w, h);
            put(targets, k, 10, 10, Math.sqrt(targetRatio), Math.sqrt(1 / targetRatio));
            k++;
          }
        }
      }
    }
    return new float[][] {anchors, targets};
  }

  private static void put(float[] boxes, int k, double cx, double cy, double w, double h) {
    boxes[4 * k] = (float) cx;
    boxes[4 * k + 1] = (float) cy;
    boxes[4 * k + 2] = (float) w;
    boxes[4 * k + 3] = (float) h;
  }

  /** The loss {@code id}, reading boxes as (cx, cy, w, h) when it takes boxes. */
  static Loss inCentreFormat(String id) {
    LossSpec spec = Catalog.builtin().get(id);
    for (ParamSpec p : spec.params()) {
      if (p.name().equals("box-format")) {
        return spec.create(Map.of("box-format", "cxcywh"));
      }
    }
    return spec.create();
  }

  static Curve regress(Loss loss, float[] anchors, float[] targets, Settings s) {
    int n = anchors.length / 4;
    float[] boxes = anchors.clone();
    Tensor pred = Tensor.of(boxes, n, 4);
    Tensor target = Tensor.of(targets, n, 4);
    Tensor[] in = {pred, target};
    Loss iou = inCentreFormat("iou");
    float[] oneMinusIou = new float[n];
    float[][] grads = {new float[4 * n], null};
    double[] error = new double[s.iterations() + 1];
    error[0] = l1(boxes, targets);
    for (int t = 1; t <= s.iterations(); t++) {
      iou.evaluate(Reduction.NONE, in, oneMinusIou, null);
      loss.evaluate(Reduction.SUM, in, null, grads);
      float[] g = grads[0];
      for (int i = 0; i < n; i++) {
        double step = s.eta() * (1 + oneMinusIou[i]);
        for (int j = 4 * i; j < 4 * i + 4; j++) {
          boxes[j] -= (float) (step * g[j]);
        }
        keepValid(boxes, i);
      }
      error[t] = l1(boxes, targets);
    }
    iou.evaluate(Reduction.NONE, in, oneMinusIou, null);
    double meanIou = 0;
    for (float v : oneMinusIou) {
      meanIou += 1 - v;
    }
    return new Curve(loss.spec().id(), error, meanIou / n);
  }

  private static void keepValid(float[] b, int i) {
    b[4 * i + 2] = Math.max(b[4 * i + 2], 1e-6f);
    b[4 * i + 3] = Math.max(b[4 * i + 3], 1e-6f);
  }

  private static double l1(float[] boxes, float[] targets) {
    double e = 0;
    for (int i = 0; i < boxes.length; i++) {
      e += Math.abs((double) boxes[i] - targets[i]);
    }
    return e;
  }

  /** The iterations at which the table reports the error. */
  public static List<Integer> checkpoints(int iterations) {
    List<Integer> out = new ArrayList<>();
    for (int t : new int[] {0, 10, 20, 50, 100, 150, 200}) {
      if (t <= iterations) {
        out.add(t);
      }
    }
    if (!out.contains(iterations)) {
      out.add(iterations);
    }
    return out;
  }
}
