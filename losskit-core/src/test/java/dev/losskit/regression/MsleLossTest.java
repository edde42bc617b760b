package dev.losskit.regression;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.losskit.Catalog;
import dev.losskit.Loss;
import dev.losskit.Params;
import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MsleLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "msle";
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] x = in.get(0);
    double[] y = in.get(1);
    double[] l = new double[x.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = Math.pow(Math.log(1 + x[i]) - Math.log(1 + y[i]), 2);
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    float nearMinusOne = Math.nextUp(-1f);
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {nearMinusOne, 1e30f, 0, 3e38f}),
          Tensor.of(new float[] {1e30f, nearMinusOne, 0, 0})
        },
        new Tensor[] {
          Tensor.of(new float[] {1e-30f, nearMinusOne}), Tensor.of(new float[] {0, nearMinusOne})
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "pred at -1",
            new Tensor[] {Tensor.of(new float[] {0, -1}), Tensor.of(new float[] {0, 0})},
            "pred",
            "greater than -1",
            "-1.0"),
        new BadInput(
            "target below -1",
            new Tensor[] {Tensor.of(new float[] {0, 0}), Tensor.of(new float[] {-2, 0})},
            "target",
            "greater than -1"),
        new BadInput(
            "target of another shape",
            new Tensor[] {Tensor.of(new float[3]), Tensor.of(new float[2])},
            "target",
            "(3)",
            "(2)"));
  }

  private static Loss msle() {
    return Catalog.builtin().get("msle").create();
  }

  @Test
  void scikitLearnDocumentedExample() {
    Tensor target = Tensor.of(new float[] {3, 5, 2.5f, 7});
    Tensor pred = Tensor.of(new float[] {2.5f, 5, 4, 8});
    assertEquals(0.03973012298459379, msle().value(pred, target), 1e-8);
  }

  @Test
  void inputsBetweenMinusOneAndZeroFollowTheFormula() {
    // Keras clips both inputs at 1e-7 and would give about 0; the catalogue formula gives
    // log(0.5)^2.
    Tensor pred = Tensor.of(new float[] {-0.5f});
    Tensor target = Tensor.of(new float[] {0});
    assertEquals(Math.pow(Math.log(0.5), 2), msle().value(pred, target), 1e-7);
    float g = msle().evaluate(Reduction.SUM, pred, target).grad(0).data()[0];
    assertEquals(2 * Math.log(0.5) / 0.5, g, 1e-6);
  }
}
