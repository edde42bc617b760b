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
import dev.losskit.internal.Numerics;
import dev.losskit.internal.Samples;
import java.util.List;

/**
 * GAN generator loss: how far the discriminator's logits on generated samples are from "real", in
 * the common formulations; the generator's half of adversarial training.
 *
 * <pre>{@code
 * f = fake logits
 * non-saturating:      l = softplus(-f)        dl/df = -sigmoid(-f)
 * minimax:             l = -softplus(f)        dl/df = -sigmoid(f)
 * least-squares:       l = (f - 1)^2 / 2       dl/df = f - 1
 * wasserstein, hinge:  l = -f                  dl/df = -1
 * }</pre>
 *
 * <p>Input: {@code fake}, the discriminator's logits (scores) on generated samples, finite, any
 * shape. The loss is elementwise; {@code mean} divides by the number of elements. Minimax is
 * negative (it is minus the discriminator's fake term) and wasserstein and hinge are unbounded
 * below, so only non-saturating and least-squares are non-negative. Conditional GANs ({@code cgan})
 * use it unchanged on conditional scores.
 *
 * <p>Numerical notes: softplus is computed as max(x, 0) + log1p(exp(-|x|)) and the sigmoid without
 * overflow, so logits of +/-1000 give finite values and gradients.
 *
 * <p>Equals {@code F.binary_cross_entropy_with_logits(fake, ones)} (non-saturating), {@code
 * -F.binary_cross_entropy_with_logits(fake, zeros)} (minimax), {@code F.mse_loss(fake, ones) / 2}
 * (least-squares) and {@code -fake.mean()} (wasserstein, hinge); no peer library has it as one
 * loss.
 *
 * @see <a href="https://arxiv.org/abs/1406.2661">Goodfellow et al. (2014)</a>
 * @see <a href="https://arxiv.org/abs/1611.04076">Mao et al. (2017), least squares</a>
 * @see <a href="https://arxiv.org/abs/1701.07875">Arjovsky et al. (2017), Wasserstein</a>
 */
public final class GanGeneratorLoss extends AbstractLoss {
  public static final LossSpec SPEC =
      LossSpec.builder("gan-generator", Family.GENERATIVE)
          .input("fake", "(*)", InputDomain.REAL, true, "discriminator logits on generated samples")
          .name("GAN generator")
          .summary(
              "The generator's adversarial loss on the discriminator's logits for generated samples.")
          .formula(
              "non-saturating: softplus(-f); minimax: -softplus(f); least-squares: (f - 1)^2 / 2;"
                  + " wasserstein and hinge: -f")
          .gradient("dl/df = -sigmoid(-f), -sigmoid(f), f - 1, -1 (by kind)")
          .param(
              ParamSpec.choice(
                  "kind",
                  "non-saturating",
                  List.of("non-saturating", "minimax", "least-squares", "wasserstein", "hinge"),
                  "formulation of the adversarial loss"))
          .traits(Trait.SMOOTH)
          .equivalent(
              "torch.nn.functional.binary_cross_entropy_with_logits(fake, ones) (non-saturating)",
              "")
          .whenToUse(
              "Training the generator of a GAN, with the kind matching the discriminator's."
                  + " Non-saturating is the usual choice: minimax gives vanishing gradients while the"
                  + " discriminator wins; wasserstein and hinge generators use -mean f.")
          .reference(
              "Goodfellow et al. (2014), Generative adversarial nets, NeurIPS",
              "https://arxiv.org/abs/1406.2661")
          .reference(
              "Mao et al. (2017), Least squares generative adversarial networks, ICCV",
              "https://arxiv.org/abs/1611.04076")
          .reference(
              "Arjovsky, Chintala, Bottou (2017), Wasserstein GAN, ICML",
              "https://arxiv.org/abs/1701.07875")
          .sampler((p, r, n) -> new Tensor[] {Samples.normal(r, 2, n)})
          .tasks(
              Task.IMAGE_TO_IMAGE,
              Task.TEXT_TO_IMAGE,
              Task.AUDIO_TO_IMAGE,
              Task.INPAINTING,
              Task.DEHAZING)
          .build(GanGeneratorLoss::new);

  private static final int NON_SATURATING = 0;
  private static final int MINIMAX = 1;
  private static final int LEAST_SQUARES = 2;

  private final int kind;

  private GanGeneratorLoss(Params p) {
    super(SPEC, p);
    this.kind =
        List.of("non-saturating", "minimax", "least-squares", "wasserstein", "hinge")
            .indexOf(p.text("kind"));
  }

  @Override
  public int[] check(Tensor[] in) {
    return in[0].shape();
  }

  @Override
  public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
    float[] f = in[0].data();
    float[] g = grads == null ? null : grads[0];
    double sum = 0;
    for (int i = 0; i < f.length; i++) {
      double x = f[i];
      double l;
      double d;
      switch (kind) {
        case NON_SATURATING:
          l = Numerics.softplus(-x);
          d = -Numerics.sigmoid(-x);
          break;
        case MINIMAX:
          l = -Numerics.softplus(x);
          d = -Numerics.sigmoid(x);
          break;
        case LEAST_SQUARES:
          l = 0.5 * (x - 1) * (x - 1);
          d = x - 1;
          break;
        default:
          l = -x;
          d = -1;
      }
      sum += l;
      if (values != null) {
        values[i] = (float) l;
      }
      if (g != null) {
        g[i] = (float) (d * scale);
      }
    }
    return sum;
  }
}
