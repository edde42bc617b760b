package dev.losskit.regression;

import dev.losskit.Params;
import dev.losskit.Tensor;
import dev.losskit.testing.LossContractTest;
import dev.losskit.testing.Oracle;
import dev.losskit.testing.OracleInputs;
import java.util.List;
import java.util.SplittableRandom;

class MseLossTest extends LossContractTest {
  @Override
  protected String id() {
    return "mse";
  }

  @Override
  protected Oracle oracle(OracleInputs in, Params p) {
    double[] x = in.get(0);
    double[] y = in.get(1);
    double[] l = new double[x.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = Math.pow(x[i] - y[i], 2);
    }
    return Oracle.of(l);
  }

  @Override
  protected List<Tensor[]> extremeCases(Params p, SplittableRandom r) {
    return List.<Tensor[]>of(
        new Tensor[] {
          Tensor.of(new float[] {1e18f, -1e18f}), Tensor.of(new float[] {-1e18f, 1e18f})
        });
  }

  @Override
  protected List<BadInput> badInputs(SplittableRandom r) {
    return List.of(
        new BadInput(
            "target shorter than pred",
            new Tensor[] {Tensor.of(new float[3]), Tensor.of(new float[2])},
            "target",
            "(3)",
            "(2)"));
  }
}
