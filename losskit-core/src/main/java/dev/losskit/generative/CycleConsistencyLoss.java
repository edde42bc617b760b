package dev.losskit.generative;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Range;
import dev.losskit.Reduction;
import dev.losskit.Shapes;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Samples;
import java.util.SplittableRandom;

/**
 * Cycle-consistency loss of unpaired image-to-image translation (CycleGAN): the mean absolute
 * difference between each image and its round trip through both generators, in both domains.
 *
 * <pre>{@code
 * L = lambda (mean |cycled-a - real-a| + mean |cycled-b - real-b|)
 * dL/dcycled-a_i = lambda sign(cycled-a_i - real-a_i) / size(a)     (0 where equal)
 * dL/dcycled-b_i = lambda sign(cycled-b_i - real-b_i) / size(b)
 * }</pre>
 *
 * <p>Inputs, in this order: {@code cycled-a} = F(G(a)) and {@code real-a}, of equal shape; {@code
 * cycled-b} = G(F(b)) and {@code real-b}, of equal shape; finite, each with at least one element.
 * The two domains may differ in shape and batch size. The cycled images come first in each pair,
 * prediction before target, so that the first input (the CLI's {@code --pred}) is differentiable;
 * the catalogue lists the same four inputs as real-a, cycled-a, real-b, cycled-b. Gradients are
 * given with respect to cycled-a and cycled-b. The loss is a sum of two means over different
 * tensors, so its unreduced value is one scalar (shape {@code ()}) and {@code mean} is the only
 * reduction.
 *
 * <p>Numerical notes: at a zero difference the subgradient 0 is used, as in PyTorch's l1_loss.
 *
 * <p>Equals {@code lambda * (F.l1_loss(cycled_a, real_a) + F.l1_loss(cycled_b, real_b))}; no peer
 * library has it as one loss.
 *
 * @see <a href="https://arxiv.org/abs/1703.10593">Zhu et al. (2017), CycleGAN</a>
 */
public final class CycleConsistencyLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("cycle-consistency", Family.GENERATIVE)
          .input(
              "cycled-a", "(*)", InputDomain.REAL, true, "F(G(a)): domain-A images after a cycle")
          .input("real-a", "(*), as cycled-a", InputDomain.REAL, false, "domain-A images")
          .input(
              "cycled-b",
              "(*), any shape",
              InputDomain.REAL,
              true,
              "G(F(b)): domain-B images after a cycle")
          .input("real-b", "(*), as cycled-b", InputDomain.REAL, false, "domain-B images")
          .name("Cycle consistency")
          .summary(
              "Mean absolute error between images and their round trips through both generators,"
                  + " in both domains, times lambda.")
          .formula("L = lambda (mean |cycled-a - real-a| + mean |cycled-b - real-b|)")
          .gradient(
              "dL/dcycled-a = lambda sign(cycled-a - real-a) / size(a); dL/dcycled-b = lambda"
                  + " sign(cycled-b - real-b) / size(b); 0 where equal")
          .param(ParamSpec.real("lambda", 1.0, Range.NONNEGATIVE, "weight of the loss"))
          .traits(Trait.CONVEX, Trait.NONNEGATIVE, Trait.ZERO_AT_TARGET, Trait.ROBUST)
          .equivalent(
              "lambda * (torch.nn.functional.l1_loss(cycled_a, real_a)"
                  + " + torch.nn.functional.l1_loss(cycled_b, real_b))",
              "")
          .whenToUse(
              "Unpaired image-to-image translation (CycleGAN, DualGAN and their variants) beside the"
                  + " adversarial losses, with lambda around 10 in CycleGAN; it assumes translations"
                  + " are invertible and fights large changes of shape.")
          .reference(
              "Zhu, Park, Isola, Efros (2017), Unpaired image-to-image translation using"
                  + " cycle-consistent adversarial networks, ICCV",
              "https://arxiv.org/abs/1703.10593")
          .onlyReductions(Reduction.MEAN)
          .sampler(CycleConsistencyLoss::sample)
          .tasks(Task.IMAGE_TO_IMAGE, Task.DEHAZING)
          .build(CycleConsistencyLoss::new);

  private final double lambda;

  private CycleConsistencyLoss(Params p) {
    super(SPEC, p);
    this.lambda = p.real("lambda");
  }

  /**
   * Domain A {@code (n, 3)}, domain B {@code (n/2 + 1, 2, 2)}: normal images and cycled images that
   * differ from them by 0.05 to 1 in either direction, away from the kink at 0.
   */
  private static Tensor[] sample(Params p, SplittableRandom r, int n) {
    int[] a = {n, 3};
    int[] b = {n / 2 + 1, 2, 2};
    Tensor realA = Samples.normal(r, 1, a);
    Tensor realB = Samples.normal(r, 1, b);
    return new Tensor[] {cycled(r, realA), realA, cycled(r, realB), realB};
  }

  private static Tensor cycled(SplittableRandom r, Tensor real) {
    float[] x = real.data().clone();
    for (int i = 0; i < x.length; i++) {
      double d = 0.05 + 0.95 * r.nextDouble();
      x[i] += (float) (r.nextBoolean() ? d : -d);
    }
    return Tensor.of(x, real.shape());
  }

  @Override
  public int[] check(Tensor[] in) {
    Shapes.requireSame("real-a", in[1], "cycled-a", in[0]);
    Shapes.requireSame("real-b", in[3], "cycled-b", in[2]);
    requireNonEmpty("cycled-a", in[0]);
    requireNonEmpty("cycled-b", in[2]);
    return new int[0];
  }

  private static void requireNonEmpty(String name, Tensor t) {
    if (t.size() == 0) {
      throw new IllegalArgumentException(
          name + ": expected at least one element, found shape " + Shapes.toString(t.shape()));
    }
  }

  /** The one unreduced value is already a mean. */
  @Override
  public double meanDenominator(Tensor[] inputs, int unreducedSize) {
    return 1;
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    double a = meanAbs(in[0].data(), in[1].data(), grads == null ? null : grads[0], scale);
    double b = meanAbs(in[2].data(), in[3].data(), grads == null ? null : grads[2], scale);
    double value = lambda * (a + b);
    if (values != null) {
      values[0] = (float) value;
    }
    return value;
  }

  /** mean |x - y|; writes lambda sign(x - y) scale / size into g when not null. */
  private double meanAbs(float[] x, float[] y, float[] g, double scale) {
    double s = lambda * scale / x.length;
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      double r = (double) x[i] - y[i];
      sum += Math.abs(r);
      if (g != null) {
        g[i] = (float) (Math.signum(r) * s);
      }
    }
    return sum / x.length;
  }
}
