package dev.losskit.check;

import dev.losskit.InputSpec;
import dev.losskit.Loss;
import dev.losskit.LossResult;
import dev.losskit.LossSpec;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.TwiceDifferentiable;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a loss's analytic gradients (and Hessian, where it has one) against central differences of
 * its own value, so that users can check the losses they write as well as the built-in ones.
 *
 * <p>Each input element is moved by a step {@code h = step * max(1, |x|)} in float32 and back; the
 * derivative estimate divides by the step actually taken after rounding. An element whose one-sided
 * differences disagree by more than the tolerance lies within a step of a kink (the hinge of a
 * hinge loss, r = 0 of an absolute error) and is counted as skipped instead of compared. An element
 * that disagrees is tried again at steps 10 and 100 times smaller before it counts as a failure:
 * sharp curvature resolves at a smaller step, a wrong gradient does not. Inputs of more than 1024
 * elements are checked at 1024 evenly strided elements.
 */
public final class GradientCheck {
  private static final int MAX_ELEMENTS = 1024;

  private final double step;
  private final double rtol;
  private final double atol;

  /**
   * A checker with relative step 1e-3, relative tolerance 1e-2 and absolute tolerance 1e-4 of the
   * largest gradient element.
   */
  public GradientCheck() {
    this(1e-3, 1e-2, 1e-4);
  }

  public GradientCheck(double step, double rtol, double atol) {
    this.step = step;
    this.rtol = rtol;
    this.atol = atol;
  }

  /** The result for one input (or the Hessian). */
  public record InputReport(
      String input,
      int checked,
      int skipped,
      double maxAbsError,
      double maxRelError,
      boolean passed) {}

  /** The result of one check. */
  public record Report(
      String loss, Reduction reduction, List<InputReport> inputs, boolean passed) {}

  /** Checks every differentiable input present in {@code inputs}, with the given reduction. */
  public Report check(Loss loss, Reduction reduction, Tensor... inputs) {
    LossSpec spec = loss.spec();
    List<InputReport> reports = new ArrayList<>();
    if (spec.has(Trait.NOT_DIFFERENTIABLE)) {
      return new Report(spec.id(), reduction, reports, true);
    }
    Tensor[] in = new Tensor[spec.inputs().size()];
    System.arraycopy(inputs, 0, in, 0, inputs.length);
    LossResult analytic = loss.evaluate(reduction, in);
    Loss frozen = loss.frozenAt(in);
    for (int k = 0; k < in.length; k++) {
      InputSpec s = spec.inputs().get(k);
      if (in[k] == null || !s.differentiable()) {
        continue;
      }
      reports.add(
          compare(
              s.name(),
              analytic.grad(k).data(),
              in,
              k,
              x -> frozen.evaluate(reduction, x, null, null)));
    }
    if (loss instanceof TwiceDifferentiable td) {
      float[] hessian = td.hessian(in).data();
      float[][] grads = new float[in.length][];
      grads[0] = new float[in[0].size()];
      // For an elementwise loss, d grad_i / d pred_i is the diagonal: move every element at once.
      reports.add(
          diagonal(
              hessian,
              in,
              x -> {
                loss.evaluate(Reduction.SUM, x, null, grads);
                return grads[0].clone();
              }));
    }
    boolean passed = true;
    for (InputReport r : reports) {
      passed &= r.passed();
    }
    return new Report(spec.id(), reduction, reports, passed);
  }

  private interface Value {
    double at(Tensor[] in);
  }

  private interface Gradient {
    float[] at(Tensor[] in);
  }

  private InputReport compare(String name, float[] analytic, Tensor[] in, int k, Value f) {
    float[] x = in[k].data().clone();
    Tensor[] moved = in.clone();
    moved[k] =
        in[k].isIntegral() ? Tensor.integral(x, in[k].shape()) : Tensor.shaped(x, in[k].shape());
    double f0 = f.at(moved);
    double scale = 0;
    for (float g : analytic) {
      scale = Math.max(scale, Math.abs(g));
    }
    int checked = 0;
    int skipped = 0;
    double maxAbs = 0;
    double maxRel = 0;
    boolean passed = true;
    // At most MAX_ELEMENTS elements, evenly strided (all of them for smaller inputs).
    int stride = Math.max(1, (x.length + MAX_ELEMENTS - 1) / MAX_ELEMENTS);
    for (int i = 0; i < x.length; i += stride) {
      float x0 = x[i];
      boolean kink = false;
      boolean ok = false;
      double err = 0;
      double central = 0;
      // A disagreement at one step is retried at steps 10 and 100 times smaller: kinks and sharp
      // curvature resolve at a smaller step, a wrong gradient does not.
      for (double s = step; s >= step / 100 && !ok; s /= 10) {
        float up = (float) (x0 + s * Math.max(1, Math.abs(x0)));
        float down = (float) (x0 - s * Math.max(1, Math.abs(x0)));
        x[i] = up;
        double fUp = f.at(moved);
        x[i] = down;
        double fDown = f.at(moved);
        x[i] = x0;
        central = (fUp - fDown) / ((double) up - down);
        double forward = (fUp - f0) / ((double) up - x0);
        double backward = (f0 - fDown) / ((double) x0 - down);
        double tol = atol * scale + rtol * Math.abs(central) + 1e-12;
        kink = Math.abs(forward - backward) > tol + 10 * s * (scale + Math.abs(central));
        err = Math.abs(central - analytic[i]);
        ok = !kink && err <= tol && Float.isFinite(analytic[i]);
      }
      if (kink) {
        skipped++;
        continue;
      }
      checked++;
      maxAbs = Math.max(maxAbs, err);
      maxRel = Math.max(maxRel, err / Math.max(1e-12, Math.abs(central)));
      passed &= ok;
    }
    return new InputReport(name, checked, skipped, maxAbs, checked == 0 ? 0 : maxRel, passed);
  }

  private InputReport diagonal(float[] analytic, Tensor[] in, Gradient g) {
    float[] x = in[0].data().clone();
    float[] up = new float[x.length];
    float[] down = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      up[i] = (float) (x[i] + step * Math.max(1, Math.abs(x[i])));
      down[i] = (float) (x[i] - step * Math.max(1, Math.abs(x[i])));
    }
    Tensor[] moved = in.clone();
    moved[0] = Tensor.shaped(up, in[0].shape());
    float[] gUp = g.at(moved);
    moved[0] = Tensor.shaped(down, in[0].shape());
    float[] gDown = g.at(moved);
    moved[0] = Tensor.shaped(x, in[0].shape());
    float[] g0 = g.at(moved);
    double scale = 0;
    for (float h : analytic) {
      scale = Math.max(scale, Math.abs(h));
    }
    int checked = 0;
    int skipped = 0;
    double maxAbs = 0;
    double maxRel = 0;
    boolean passed = true;
    for (int i = 0; i < x.length; i++) {
      double central = ((double) gUp[i] - gDown[i]) / ((double) up[i] - down[i]);
      double forward = ((double) gUp[i] - g0[i]) / ((double) up[i] - x[i]);
      double backward = ((double) g0[i] - gDown[i]) / ((double) x[i] - down[i]);
      // Gradients are float32, so their differences carry rounding of about 1e-7 of their size.
      double noise = 1e-6 * (Math.abs(g0[i]) + 1) / ((double) up[i] - x[i]);
      double tol = atol * scale + rtol * Math.abs(central) + noise + 1e-12;
      if (Math.abs(forward - backward) > tol + 10 * step * (scale + Math.abs(central))) {
        skipped++;
        continue;
      }
      checked++;
      double err = Math.abs(central - analytic[i]);
      maxAbs = Math.max(maxAbs, err);
      maxRel = Math.max(maxRel, err / Math.max(1e-12, Math.abs(central)));
      passed &= err <= tol && Float.isFinite(analytic[i]);
    }
    return new InputReport("hessian", checked, skipped, maxAbs, checked == 0 ? 0 : maxRel, passed);
  }
}
