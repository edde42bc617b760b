package dev.losskit.generative;

import dev.losskit.AbstractLoss;
import dev.losskit.Family;
import dev.losskit.InputDomain;
import dev.losskit.LossSpec;
import dev.losskit.ParamSpec;
import dev.losskit.Params;
import dev.losskit.Task;
import dev.losskit.Tensor;
import dev.losskit.Trait;
import dev.losskit.internal.Elementwise;
import dev.losskit.internal.Samples;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Reconstruction loss of autoencoders: the squared (default) or absolute difference between a
 * reconstruction and the input it reconstructs, elementwise.
 *
 * <pre>{@code
 * r = reconstruction - input
 * mse:  l = r^2     dl/dreconstruction = 2 r
 * mae:  l = |r|     dl/dreconstruction = sign(r)   (0 at r = 0)
 * }</pre>
 *
 * <p>Inputs: {@code reconstruction} and {@code input}, of equal shape, finite. The loss is
 * elementwise; {@code mean} divides by the number of elements. It is {@code mse} or {@code mae}
 * under the names of an autoencoder's tensors.
 *
 * <p>Numerical notes: the residual is formed in double, so float32 inputs of any size give a finite
 * value. At r = 0, mae uses the subgradient 0, as PyTorch's l1_loss does.
 *
 * <p>Equals {@code torch.nn.functional.mse_loss(reconstruction, input)} (kind mse) and {@code
 * torch.nn.functional.l1_loss(reconstruction, input)} (kind mae).
 *
 * @see <a href="https://doi.org/10.1126/science.1127647">Hinton and Salakhutdinov (2006)</a>
 */
public final class ReconstructionLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("reconstruction", Family.GENERATIVE)
          .input("reconstruction", "(*)", InputDomain.REAL, true, "the autoencoder's output")
          .input(
              "input",
              "(*), as reconstruction",
              InputDomain.REAL,
              false,
              "the data it reconstructs")
          .name("Reconstruction")
          .summary(
              "Squared or absolute error between a reconstruction and its input: the autoencoder"
                  + " objective.")
          .formula("l = (reconstruction - input)^2 (mse) or |reconstruction - input| (mae)")
          .gradient(
              "dl/dreconstruction = 2 (reconstruction - input) (mse) or sign(reconstruction - input),"
                  + " 0 where equal (mae)")
          .param(
              ParamSpec.choice(
                  "kind", "mse", List.of("mse", "mae"), "squared (mse) or absolute (mae) error"))
          .traits(Trait.CONVEX, Trait.NONNEGATIVE, Trait.ZERO_AT_TARGET)
          .equivalent(
              "torch.nn.functional.mse_loss(reconstruction, input) (kind mse),"
                  + " torch.nn.functional.l1_loss(reconstruction, input) (kind mae)",
              "pytorch")
          .whenToUse(
              "Training autoencoders, denoising autoencoders and the pixel term of image generators;"
                  + " mse blurs uncertain detail and is outlier-sensitive, mae keeps edges sharper"
                  + " and is robust, and neither measures perceptual similarity.")
          .reference(
              "Hinton, Salakhutdinov (2006), Reducing the dimensionality of data with neural"
                  + " networks, Science 313",
              "https://doi.org/10.1126/science.1127647")
          .sampler(ReconstructionLoss::sample)
          .tasks(Task.IMAGE_TO_IMAGE, Task.AUDIO_TO_IMAGE, Task.INPAINTING)
          .build(ReconstructionLoss::new);

  private final boolean mae;

  private ReconstructionLoss(Params p) {
    super(SPEC, p);
    this.mae = p.text("kind").equals("mae");
  }

  /** Normal inputs and reconstructions that differ by 0.05 to 2 in either direction. */
  private static Tensor[] sample(Params p, SplittableRandom r, int n) {
    Tensor input = Samples.normal(r, 1, n);
    float[] x = input.data().clone();
    for (int i = 0; i < n; i++) {
      double d = 0.05 + 1.95 * r.nextDouble();
      x[i] += (float) (r.nextBoolean() ? d : -d);
    }
    return new Tensor[] {Tensor.of(x, n), input};
  }

  @Override
  public int[] check(Tensor[] in) {
    return Elementwise.check(SPEC, in);
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] p = in[0].data();
    float[] t = in[1].data();
    float[] g = grads == null ? null : grads[0];
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      double r = (double) p[i] - t[i];
      double l = mae ? Math.abs(r) : r * r;
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        g[i] = (float) ((mae ? Math.signum(r) : 2 * r) * scale);
      }
    }
    return sum;
  }
}
