package dev.losskit.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.AbstractLoss;
import dev.losskit.Catalog;
import dev.losskit.Family;
import dev.losskit.Loss;
import dev.losskit.LossSpec;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.internal.Elementwise;
import dev.losskit.internal.Samples;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GradientCheckTest {
  /** |pred - target| with a gradient that is off by a factor {@code factor}. */
  private static final class Wrong extends AbstractLoss {
    static final LossSpec SPEC =
        LossSpec.elementwise("wrong-l1", Family.REGRESSION)
            .name("wrong")
            .summary("s")
            .formula("|r|")
            .gradient("sign(r)")
            .whenToUse("never")
            .sampler((p, r, n) -> new Tensor[] {Samples.normal(r, 1, n), Samples.normal(r, 1, n)})
            .build(p -> new Wrong(p, 1.0));

    private final double factor;

    Wrong(Params p, double factor) {
      super(SPEC, p);
      this.factor = factor;
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
        sum += Math.abs(r);
        if (values != null) {
          values[i] = (float) Math.abs(r);
        }
        if (grads != null) {
          grads[0][i] = (float) (Math.signum(r) * factor * scale);
        }
      }
      return sum;
    }
  }

  @Test
  void passesACorrectLossAndFailsAWrongOne() {
    Tensor[] in = Wrong.SPEC.sample(Wrong.SPEC.defaults(), new SplittableRandom(1), 50);
    GradientCheck.Report ok =
        new GradientCheck().check(new Wrong(Wrong.SPEC.defaults(), 1.0), Reduction.MEAN, in);
    assertTrue(ok.passed());
    assertEquals(50, ok.inputs().get(0).checked() + ok.inputs().get(0).skipped());
    GradientCheck.Report bad =
        new GradientCheck().check(new Wrong(Wrong.SPEC.defaults(), 1.05), Reduction.MEAN, in);
    assertFalse(bad.passed());
  }

  @Test
  void skipsElementsAtAKinkInsteadOfFailing() {
    Loss l1 = new Wrong(Wrong.SPEC.defaults(), 1.0);
    Tensor p = Tensor.of(new float[] {1f, 2f, 3f});
    Tensor t = Tensor.of(new float[] {1f, 0f, 0f});
    GradientCheck.Report r = new GradientCheck().check(l1, Reduction.SUM, p, t);
    assertTrue(r.passed());
    assertEquals(1, r.inputs().get(0).skipped());
    assertEquals(2, r.inputs().get(0).checked());
  }

  @Test
  void checksTheHessianOfTwiceDifferentiableLosses() {
    Loss huber = Catalog.builtin().create("huber");
    Tensor[] in = huber.spec().sample(huber.params(), new SplittableRandom(2), 40);
    GradientCheck.Report r = new GradientCheck().check(huber, Reduction.MEAN, in);
    assertTrue(r.passed());
    assertEquals("hessian", r.inputs().get(1).input());
    assertTrue(r.inputs().get(1).checked() > 30);
  }
}
