package dev.losskit.regression;

import dev.losskit.Params;
import dev.losskit.Tensor;
import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

class HuberLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "huber";
  }

  @Override
  protected List<Map<String, ?>> paramCases() {
    return List.of(Map.of("delta", "0.5"), Map.of("delta", 3.0));
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double d = p.real("delta");
    double[] x = in.get(0);
    double[] y = in.get(1);
    double[] l = new double[x.length];
    for (int i = 0; i < l.length; i++) {
      double r = Math.abs(x[i] - y[i]);
      l[i] = r <= d ? r * r / 2 : d * (r - d / 2);
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {3e38f, -3e38f, 0}), Tensor.of(new float[] {-3e38f, 3e38f, 0})
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "target of another shape",
            new Tensor[] {Tensor.of(new float[6], 2, 3), Tensor.of(new float[6], 3, 2)},
            "target",
            "(2, 3)"));
  }
}
