package dev.losskit.report;

import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.InputSpec;
import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A straight path through a loss's input space along its natural input: the residual or the
 * prediction for regression, the probability or logit given to the correct label for classification
 * and masks, the horizontal shift of a box, or one coordinate of a seeded sample where no simpler
 * picture exists. Input {@code k} is {@code base + x * direction}; every other input is fixed, so
 * the loss along the path is a function of {@code x} whose derivative is the library's gradient
 * dotted with the direction.
 *
 * <p>Values and gradients come from the loss itself ({@link Loss#evaluate}); nothing here knows a
 * formula.
 */
public final class Sweep {
  private static final int POINTS = 201;
  private static final long SEED = 7;

  private final String label;
  private final Tensor[] fixed;
  private final int k;
  private final float[] base;
  private final float[] direction;
  private final int[] shape;
  private final double lo;
  private final double hi;

  private Sweep(
      String label, Tensor[] fixed, int k, float[] base, float[] direction, double lo, double hi) {
    this.label = label;
    this.fixed = fixed;
    this.k = k;
    this.base = base;
    this.direction = direction;
    this.shape = fixed[k].shape();
    this.lo = lo;
    this.hi = hi;
  }

  /**
   * One curve: the loss and its derivative along the path, NaN where the loss rejects the input.
   */
  public record Curve(String name, double[] x, double[] value, double[] slope) {}

  /** What the horizontal axis shows, e.g. "pred (target = 1)". */
  public String label() {
    return label;
  }

  /**
   * The natural path for {@code spec}, chosen for its input layout; the first layout the loss
   * accepts with the given parameters is taken, and a seeded sample is the fallback.
   */
  public static Sweep of(LossSpec spec, Params params) {
    Loss loss = create(spec, params);
    List<Sweep> candidates = new ArrayList<>();
    box(spec, params).ifPresent(candidates::add);
    if (spec.family() == Family.SEGMENTATION) {
      mask(spec).ifPresent(candidates::add); // a mask before a single pixel's classes
    }
    classes(spec).ifPresent(candidates::add);
    mask(spec).ifPresent(candidates::add);
    pair(spec).ifPresent(candidates::add);
    scalar(spec).ifPresent(candidates::add);
    candidates.add(generic(spec, params));
    for (Sweep s : candidates) {
      Sweep trimmed = s.trimmed(loss);
      if (trimmed != null) {
        return trimmed;
      }
    }
    throw new IllegalArgumentException(
        "loss " + spec.id() + ": no input along which it can be plotted with " + params);
  }

  /** The loss with these parameters (those without a value left out). */
  public static Loss create(LossSpec spec, Params params) {
    java.util.Map<String, String> given = new java.util.LinkedHashMap<>();
    params
        .asText()
        .forEach(
            (k, v) -> {
              if (v != null) {
                given.put(k, v);
              }
            });
    return spec.create(given);
  }

  /** The loss and its derivative at {@link #POINTS} points along the path. */
  public Curve curve(Loss loss, String name) {
    double[] x = new double[POINTS];
    double[] v = new double[POINTS];
    double[] g = new double[POINTS];
    for (int i = 0; i < POINTS; i++) {
      x[i] = lo + (hi - lo) * i / (POINTS - 1);
      double[] vg = at(loss, x[i]);
      v[i] = vg[0];
      g[i] = vg[1];
    }
    return new Curve(name, x, v, g);
  }

  /** Inputs at {@code x}: the fixed ones with input {@code k} moved along the path. */
  public Tensor[] inputs(double x) {
    float[] d = new float[base.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) (base[i] + x * direction[i]);
    }
    Tensor[] in = fixed.clone();
    in[k] = Tensor.shaped(d, shape);
    return in;
  }

  /** Value and derivative at {@code x}; NaN for both where the loss rejects the input. */
  double[] at(Loss loss, double x) {
    LossResult r;
    try {
      r = loss.evaluate(loss.spec().defaultReduction(), inputs(x));
    } catch (IllegalArgumentException e) {
      return new double[] {Double.NaN, Double.NaN};
    }
    Tensor grad = r.grad(k);
    double slope = Double.NaN;
    if (grad != null) {
      slope = 0;
      float[] gd = grad.data();
      for (int i = 0; i < gd.length; i++) {
        slope += (double) gd[i] * direction[i];
      }
    }
    return new double[] {r.value(), slope};
  }

  /**
   * This path cut to where the loss accepts its inputs, or null if it accepts too little of it
   * (another layout is then tried).
   */
  private Sweep trimmed(Loss loss) {
    int ok = 0;
    double first = Double.NaN;
    double last = Double.NaN;
    for (int i = 0; i < POINTS; i++) {
      double x = lo + (hi - lo) * i / (POINTS - 1);
      if (!Double.isNaN(at(loss, x)[0])) {
        ok++;
        first = Double.isNaN(first) ? x : first;
        last = x;
      }
    }
    if (ok < POINTS / 10 || !(last > first)) {
      return null;
    }
    return new Sweep(label, fixed, k, base, direction, first, last);
  }

  /** Boxes: the prediction is the target's unit box shifted sideways, through overlap and back. */
  private static java.util.Optional<Sweep> box(LossSpec spec, Params p) {
    if (spec.inputs().size() < 2
        || !spec.inputs().get(0).shape().startsWith("(N, 4)")
        || !p.asText().containsKey("box-format")) {
      return java.util.Optional.empty();
    }
    String format = p.text("box-format");
    // The unit box at the origin in each format, and the direction that moves it along x.
    float[] target;
    float[] dir;
    switch (format) {
      case "xyxy":
        target = new float[] {0, 0, 1, 1};
        dir = new float[] {1, 0, 1, 0};
        break;
      case "cxcywh":
        target = new float[] {0.5f, 0.5f, 1, 1};
        dir = new float[] {1, 0, 0, 0};
        break;
      case "xywh":
        target = new float[] {0, 0, 1, 1};
        dir = new float[] {1, 0, 0, 0};
        break;
      default:
        return java.util.Optional.empty();
    }
    Tensor[] fixed = new Tensor[spec.inputs().size()];
    fixed[0] = Tensor.of(target.clone(), 1, 4);
    fixed[1] = Tensor.of(target.clone(), 1, 4);
    return java.util.Optional.of(
        new Sweep(
            "horizontal shift of the predicted box (unit boxes; |shift| >= 1: no overlap)",
            fixed,
            0,
            target,
            dir,
            -2.5,
            2.5));
  }

  /**
   * Scores over classes against a class index (or one-hot target): the logit (or probability) of
   * the true class, the other classes level.
   */
  private static java.util.Optional<Sweep> classes(LossSpec spec) {
    List<InputSpec> in = spec.inputs();
    InputSpec pred = in.get(0);
    boolean perClass = pred.shape().startsWith("(N, C") || pred.shape().startsWith("(..., C, ...)");
    if (!perClass || (in.size() > 1 && in.get(1).optional())) {
      return java.util.Optional.empty();
    }
    int c = 3;
    Tensor[] fixed = new Tensor[in.size()];
    // A single row of non-negative per-class values is a distribution (Gini impurity, entropy).
    boolean probability =
        isProbability(pred.domain())
            || (in.size() == 1 && pred.domain() == InputDomain.NONNEGATIVE);
    if (in.size() > 1) {
      InputDomain t = in.get(1).domain();
      if (t == InputDomain.CLASS_INDEX || t == InputDomain.CLASS_INDEX_OR_PROBABILITY) {
        fixed[1] = Tensor.indices(new int[] {0}, 1);
      } else if (t == InputDomain.PROBABILITY) {
        fixed[1] = Tensor.of(new float[] {1, 0, 0}, 1, c);
      } else {
        return java.util.Optional.empty();
      }
    }
    for (int i = 2; i < in.size(); i++) {
      if (!in.get(i).optional()) {
        return java.util.Optional.empty();
      }
    }
    if (probability) {
      // [p, (1 - p) / 2, (1 - p) / 2]: a distribution for every p in [0, 1].
      fixed[0] = Tensor.of(new float[] {0, 0.5f, 0.5f}, 1, c);
      return java.util.Optional.of(
          new Sweep(
              "probability of the true class (the rest shared equally by 2 other classes)",
              fixed,
              0,
              new float[] {0, 0.5f, 0.5f},
              new float[] {1, -0.5f, -0.5f},
              0,
              1));
    }
    fixed[0] = Tensor.of(new float[c], 1, c);
    return java.util.Optional.of(
        new Sweep(
            "score (logit) of the true class, 2 other classes at 0",
            fixed,
            0,
            new float[c],
            new float[] {1, 0, 0},
            -6,
            6));
  }

  /**
   * Binary labels, elementwise or as a mask: 8 elements, half positive; the prediction gives the
   * correct label probability p (or a logit x toward it, or a margin x for -1/+1 labels).
   */
  private static java.util.Optional<Sweep> mask(LossSpec spec) {
    List<InputSpec> in = spec.inputs();
    if (in.size() < 2 || !in.get(0).differentiable()) {
      return java.util.Optional.empty();
    }
    for (int i = 2; i < in.size(); i++) {
      if (!in.get(i).optional()) {
        return java.util.Optional.empty();
      }
    }
    InputDomain p = in.get(0).domain();
    InputDomain t = in.get(1).domain();
    int n = 8;
    float[] labels = new float[n];
    float[] sign = new float[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i < n / 2 ? 1 : 0;
      sign[i] = i < n / 2 ? 1 : -1;
    }
    Tensor[] fixed = new Tensor[in.size()];
    if (t == InputDomain.SIGN || t == InputDomain.SIGN_OR_BINARY) {
      if (p != InputDomain.REAL) {
        return java.util.Optional.empty();
      }
      fixed[1] = Tensor.of(sign.clone(), 1, n);
      fixed[0] = Tensor.of(new float[n], 1, n);
      return java.util.Optional.of(
          new Sweep(
              "margin t * pred (labels t = -1 and +1, 8 elements)",
              fixed,
              0,
              new float[n],
              sign,
              -3,
              3));
    }
    if (t != InputDomain.PROBABILITY && t != InputDomain.CLASS_INDEX_OR_PROBABILITY) {
      return java.util.Optional.empty();
    }
    fixed[1] = Tensor.of(labels.clone(), 1, n);
    if (isProbability(p)) {
      // pred = t p + (1 - t)(1 - p): probability p on the correct label everywhere.
      float[] base = new float[n];
      for (int i = 0; i < n; i++) {
        base[i] = 1 - labels[i];
      }
      fixed[0] = Tensor.of(base.clone(), 1, n);
      return java.util.Optional.of(
          new Sweep(
              "probability given to the correct label (8 elements, half of them positive)",
              fixed,
              0,
              base,
              sign,
              0,
              1));
    }
    if (p != InputDomain.REAL) {
      return java.util.Optional.empty();
    }
    fixed[0] = Tensor.of(new float[n], 1, n);
    return java.util.Optional.of(
        new Sweep(
            "logit toward the correct label (8 elements, half of them positive)",
            fixed,
            0,
            new float[n],
            sign,
            -6,
            6));
  }

  /**
   * Embedding pairs with a label or a third embedding: the first embedding moved away from the
   * second along one axis, so that x is their difference; labels say "dissimilar".
   */
  private static java.util.Optional<Sweep> pair(LossSpec spec) {
    List<InputSpec> in = spec.inputs();
    if (in.size() < 3
        || !in.get(0).shape().startsWith("(N, D)")
        || !in.get(1).shape().startsWith("(N, D)")
        || !in.get(0).differentiable()) {
      return java.util.Optional.empty();
    }
    Tensor[] fixed = new Tensor[in.size()];
    fixed[1] = Tensor.of(new float[] {1, 1}, 1, 2);
    StringBuilder others = new StringBuilder(in.get(1).name()).append(" = (1, 1)");
    for (int i = 2; i < in.size(); i++) {
      InputSpec s = in.get(i);
      if (s.optional()) {
        continue;
      }
      if (s.shape().startsWith("(N, D)")) {
        fixed[i] = Tensor.of(new float[] {1, 2}, 1, 2);
        others.append(", ").append(s.name()).append(" = (1, 2)");
      } else if (s.shape().equals("(N)")) {
        // A dissimilar pair, where the margin (the parameter the variants change) acts.
        float label =
            s.domain() == InputDomain.SIGN || s.domain() == InputDomain.SIGN_OR_BINARY ? -1 : 0;
        fixed[i] = Tensor.of(new float[] {label}, 1);
        others.append(", ").append(s.name()).append(" = ").append((int) label);
      } else {
        return java.util.Optional.empty();
      }
    }
    fixed[0] = Tensor.of(new float[] {1, 1}, 1, 2);
    String name = in.get(0).name();
    return java.util.Optional.of(
        new Sweep(
            name + " = (1 + x, 1), " + others,
            fixed,
            0,
            new float[] {1, 1},
            new float[] {1, 0},
            -3,
            3));
  }

  /** Elementwise regression: one prediction against target 1, other inputs at 1. */
  private static java.util.Optional<Sweep> scalar(LossSpec spec) {
    List<InputSpec> in = spec.inputs();
    if (!in.get(0).shape().equals("(*)") || !in.get(0).differentiable()) {
      return java.util.Optional.empty();
    }
    Tensor[] fixed = new Tensor[in.size()];
    StringBuilder others = new StringBuilder();
    for (int i = 1; i < in.size(); i++) {
      InputSpec s = in.get(i);
      if (s.optional()) {
        continue;
      }
      if (!s.shape().startsWith("(*)")) {
        return java.util.Optional.empty();
      }
      fixed[i] = Tensor.of(new float[] {1}, 1);
      others.append(others.length() == 0 ? "" : ", ").append(s.name()).append(" = 1");
    }
    fixed[0] = Tensor.of(new float[] {1}, 1);
    String what = in.get(0).name() + (others.length() == 0 ? "" : " (" + others + ")");
    return java.util.Optional.of(
        new Sweep(what, fixed, 0, new float[] {0}, new float[] {1}, -2, 4));
  }

  /**
   * The fallback: a seeded sample of 4 units from the loss's own sampler, with the first element of
   * its first differentiable input moved.
   */
  private static Sweep generic(LossSpec spec, Params params) {
    Tensor[] sample = spec.sample(params, new SplittableRandom(SEED), 4);
    int k = 0;
    while (k < sample.length && (sample[k] == null || !spec.inputs().get(k).differentiable())) {
      k++;
    }
    if (k == sample.length) {
      k = 0; // value-only loss: move its first input anyway
    }
    float[] base = sample[k].data().clone();
    float[] dir = new float[base.length];
    dir[0] = 1;
    double v = base[0];
    base[0] = 0;
    boolean probability = isProbability(spec.inputs().get(k).domain());
    double lo = probability ? 0 : v - 3;
    double hi = probability ? 1 : v + 3;
    String name = spec.inputs().get(k).name();
    return new Sweep(
        String.format(
            Locale.ROOT,
            "%s[0] (the rest of a seeded sample from the catalogue's sampler, %s[0] = %.3g there)",
            name,
            name,
            v),
        sample,
        k,
        base,
        dir,
        lo,
        hi);
  }

  private static boolean isProbability(InputDomain d) {
    return d == InputDomain.PROBABILITY || d == InputDomain.PROBABILITY_OR_LOGIT;
  }

  /**
   * The default parameters and up to two others, varying the parameter that most changes the shape
   * of the loss (gamma, delta, beta, margin, temperature, ...), each checked against its domain.
   */
  public static List<Params> variants(LossSpec spec) {
    List<Params> out = new ArrayList<>();
    out.add(spec.defaults());
    ParamSpec chosen = shapeParameter(spec);
    if (chosen == null) {
      return out;
    }
    double d = (Double) chosen.defaultValue();
    double[] candidates =
        d == 0 ? new double[] {0.5, 1, 0.1, 2} : new double[] {d * 0.5, d * 2, d * 0.25, d * 4};
    for (double c : candidates) {
      if (out.size() == 3) {
        break;
      }
      if (!chosen.range().contains(c)) {
        continue;
      }
      try {
        Params p = spec.params(java.util.Map.of(chosen.name(), ParamSpec.render(c)));
        create(spec, p);
        out.add(p);
      } catch (IllegalArgumentException e) {
        // a value the loss rejects in combination with the other defaults: try the next
      }
    }
    return out;
  }

  private static final List<String> SHAPE_PARAMS =
      List.of(
          "gamma",
          "delta",
          "beta",
          "margin",
          "temperature",
          "quantile",
          "alpha",
          "power",
          "qexp",
          "df",
          "scale",
          "tau",
          "lambda",
          "label-smoothing",
          "smooth");

  /** The real parameter whose variants are plotted, or null when the loss has none. */
  static ParamSpec shapeParameter(LossSpec spec) {
    for (String name : SHAPE_PARAMS) {
      for (ParamSpec p : spec.params()) {
        if (p.name().equals(name) && p.kind() == ParamSpec.Kind.REAL && p.defaultValue() != null) {
          return p;
        }
      }
    }
    return null;
  }
}
