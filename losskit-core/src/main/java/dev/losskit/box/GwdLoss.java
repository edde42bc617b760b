package dev.losskit.box;

import dev.losskit.AbstractLoss;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import java.util.List;

/**
 * Gaussian Wasserstein distance loss: boxes, rotated or not, as 2-D Gaussians compared by their
 * squared 2-Wasserstein distance; a smooth, angle-aware box-regression loss.
 *
 * <pre>{@code
 * box (cx, cy, w, h, a)  ->  N(mu, S),  mu = (cx, cy),  S = R(a) diag(w^2 / 4, h^2 / 4) R(a)^T
 * d   = |mu_p - mu_t|^2 + Tr(S_p) + Tr(S_t) - 2 sqrt(T)
 * T   = Tr(S_p S_t) + 2 sqrt(det S_p det S_t) = Tr(S_p S_t) + w_p h_p w_t h_t / 8
 * l   = d                              fun = none
 *       1 - 1 / (tau + log1p(d))       fun = log1p
 *       1 - 1 / (tau + sqrt(d))        fun = sqrt
 * dd/dmu_p = 2 (mu_p - mu_t)
 * dd/dq    = dTr(S_p)/dq - (Tr(S_t dS_p/dq) + d(w_p h_p w_t h_t / 8)/dq) / sqrt(T),  q in w, h, a
 * dl/dd    = 1;  1 / ((tau + log1p d)^2 (1 + d));  1 / ((tau + sqrt d)^2 2 sqrt d)
 * }</pre>
 *
 * <p>Inputs: {@code pred} and {@code target} boxes {@code (N, 4)} (or one box {@code (4)}) in
 * {@code box-format} {@code xyxy} (default), {@code cxcywh} or {@code xywh}, or {@code (N, 5)} in
 * {@code xywha} (centre, size, angle in radians) for rotated boxes; widths and heights must not be
 * negative. One value per box; the mean is over boxes. The gradient is with respect to {@code pred}
 * only, through the format conversion.
 *
 * <p>Numerical notes: Tr((S_p^1/2 S_t S_p^1/2)^1/2) uses the 2x2 closed form sqrt(T), and the
 * square root of the determinant product is w_p h_p w_t h_t / 16 exactly, so no square root of a
 * rounded, possibly negative determinant is taken. Where T = 0 (a box of zero size, or two
 * orthogonal segments) the square root is not differentiable and its part of the gradient is taken
 * as 0; d is clamped at 0 against rounding; with {@code fun = sqrt} the gradient at d = 0
 * (identical boxes) is 0, the minimum. {@code tau} is at least 1, so that the transformed loss lies
 * in [1 - 1/tau, 1).
 *
 * <p>No peer library has it; the reference values are this formula written with PyTorch operations
 * (matrices, determinants and their square roots).
 *
 * @see <a href="https://arxiv.org/abs/2101.11952">Yang et al. (2021), Rethinking Rotated Object
 *     Detection with Gaussian Wasserstein Distance Loss</a>
 */
public final class GwdLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      Boxes.pairSpec("gwd", true)
          .name("Gaussian Wasserstein distance")
          .summary(
              "Squared 2-Wasserstein distance between boxes seen as 2-D Gaussians: smooth,"
                  + " angle-aware regression for rotated and axis-aligned boxes.")
          .formula(
              "d = |mu_p - mu_t|^2 + Tr(S_p + S_t - 2 (S_p^1/2 S_t S_p^1/2)^1/2), S = R diag(w^2/4,"
                  + " h^2/4) R^T; l = d (fun none) or 1 - 1 / (tau + f(d)), f = log1p or sqrt")
          .gradient(
              "dd/dmu_p = 2 (mu_p - mu_t); dd/dq = dTr(S_p)/dq - dT/dq / sqrt(T) with T ="
                  + " Tr(S_p S_t) + w_p h_p w_t h_t / 8; chained through f and the format")
          .param(
              ParamSpec.choice(
                  "fun",
                  "none",
                  List.of("none", "log1p", "sqrt"),
                  "none: the distance itself; log1p or sqrt: 1 - 1 / (tau + f(distance))"))
          .param(
              ParamSpec.real(
                  "tau", 1.0, Range.atLeast(1), "offset of the normalization 1 - 1 / (tau + f)"))
          .traits(Trait.NONNEGATIVE)
          .whenToUse(
              "Rotated-box regression in aerial and scene-text detection: no angle boundary"
                  + " discontinuity and no need for a differentiable rotated IoU. The raw distance"
                  + " is scale-dependent and unbounded; use fun log1p or sqrt to normalize it.")
          .reference(
              "Yang, Yan, Ming, Chen, Zhang and Tian (2021), Rethinking Rotated Object Detection with"
                  + " Gaussian Wasserstein Distance Loss",
              "https://arxiv.org/abs/2101.11952")
          .tasks(Task.DETECTION)
          .build(GwdLoss::new);

  private static final int NONE = 0;
  private static final int LOG1P = 1;
  private static final int SQRT = 2;

  private final Boxes.Format format;
  private final int fun;
  private final double tau;

  private GwdLoss(Params p) {
    super(SPEC, p);
    this.format = Boxes.format(p);
    String f = p.text("fun");
    this.fun = f.equals("log1p") ? LOG1P : f.equals("sqrt") ? SQRT : NONE;
    this.tau = p.real("tau");
  }

  @Override
  public int[] check(Tensor[] in) {
    return Boxes.checkPair(in[0], in[1], format);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] pred = in[0].data();
    float[] target = in[1].data();
    float[] g = grads == null ? null : grads[0];
    double[] p = new double[5];
    double[] t = new double[5];
    double[] d = new double[5];
    int n = pred.length / format.width;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      Boxes.centred(format, pred, i, p);
      Boxes.centred(format, target, i, t);
      // Target covariance.
      double ct = Math.cos(t[4]);
      double st = Math.sin(t[4]);
      double at = 0.25 * t[2] * t[2];
      double bt = 0.25 * t[3] * t[3];
      double t00 = at * ct * ct + bt * st * st;
      double t01 = (at - bt) * ct * st;
      double t11 = at * st * st + bt * ct * ct;
      // Pred covariance.
      double c = Math.cos(p[4]);
      double s = Math.sin(p[4]);
      double ap = 0.25 * p[2] * p[2];
      double bp = 0.25 * p[3] * p[3];
      double p00 = ap * c * c + bp * s * s;
      double p01 = (ap - bp) * c * s;
      double p11 = ap * s * s + bp * c * c;
      double dx = p[0] - t[0];
      double dy = p[1] - t[1];
      double tr = p00 * t00 + 2 * p01 * t01 + p11 * t11;
      double q = 0.0625 * p[2] * p[3] * t[2] * t[3];
      double big = Math.max(0, tr + 2 * q);
      double root = Math.sqrt(big);
      double dist = Math.max(0, dx * dx + dy * dy + (ap + bp) + (at + bt) - 2 * root);
      double l;
      double dl;
      if (fun == LOG1P) {
        double u = tau + Math.log1p(dist);
        l = 1 - 1 / u;
        dl = 1 / (u * u * (1 + dist));
      } else if (fun == SQRT) {
        double r = Math.sqrt(dist);
        double u = tau + r;
        l = 1 - 1 / u;
        dl = r > 0 ? 1 / (u * u * 2 * r) : 0;
      } else {
        l = dist;
        dl = 1;
      }
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        double k = root > 0 ? 1 / root : 0;
        // Tr(S_t dS_p/da) for the eigenvalue a = w^2/4 along R e1, and b = h^2/4 along R e2.
        double trA = t00 * c * c + 2 * t01 * c * s + t11 * s * s;
        double trB = t00 * s * s - 2 * t01 * c * s + t11 * c * c;
        double trAngle = (ap - bp) * (2 * c * s * (t11 - t00) + 2 * (c * c - s * s) * t01);
        double dq = 0.0625 * t[2] * t[3];
        d[0] = dl * 2 * dx;
        d[1] = dl * 2 * dy;
        d[2] = dl * (0.5 * p[2] - k * (trA * 0.5 * p[2] + 2 * dq * p[3]));
        d[3] = dl * (0.5 * p[3] - k * (trB * 0.5 * p[3] + 2 * dq * p[2]));
        d[4] = dl * (-k * trAngle);
        Boxes.writeCentredGrad(format, d, g, i, scale);
      }
    }
    return sum;
  }
}
