package dev.losskit;

import dev.losskit.internal.Elementwise;
import dev.losskit.internal.Samples;
import java.util.List;

/** A third-party provider, registered in META-INF/services of the test class path. */
public final class ThirdPartyLosses implements LossProvider {
  static final LossSpec SPEC =
      LossSpec.elementwise("test-double-mse", Family.REGRESSION)
          .name("Twice the squared error")
          .summary("A loss contributed through ServiceLoader.")
          .formula("2 (pred - target)^2")
          .gradient("4 (pred - target)")
          .whenToUse("Tests only.")
          .reference("none", "")
          .sampler((p, r, n) -> new Tensor[] {Samples.normal(r, 1, n), Samples.normal(r, 1, n)})
          .build(DoubleMse::new);

  @Override
  public List<LossSpec> specs() {
    return List.of(SPEC);
  }

  private static final class DoubleMse extends AbstractLoss {
    DoubleMse(Params p) {
      super(SPEC, p);
    }

    @Override
    public int[] check(Tensor[] in) {
      return Elementwise.check(SPEC, in);
    }

    @Override
    public double compute(Tensor[] in, float[] values, float[][] grads, double scale) {
      double sum = 0;
      for (int i = 0; i < in[0].size(); i++) {
        double r = (double) in[0].data()[i] - in[1].data()[i];
        sum += 2 * r * r;
        if (values != null) {
          values[i] = (float) (2 * r * r);
        }
        if (grads != null) {
          grads[0][i] = (float) (4 * r * scale);
        }
      }
      return sum;
    }
  }
}
