package dev.losskit.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NetworkAndTrainerTest {
  private static final double[][] X = {
    {0.5, -1.0, 2.0}, {1.5, 0.25, -0.5}, {-0.75, 0.5, 1.0}, {0.1, -0.2, 0.3}
  };
  private static final int[] ROWS = {0, 1, 2, 3};

  /** The backward pass against central differences of sum(c * output) for a fixed c. */
  @Test
  void backwardMatchesCentralDifferences() {
    for (int hidden : new int[] {0, 5}) {
      Network net = new Network(3, hidden, 2, 3);
      SplittableRandom r = new SplittableRandom(9);
      float[] c = new float[ROWS.length * 2];
      for (int i = 0; i < c.length; i++) {
        c[i] = (float) (2 * r.nextDouble() - 1);
      }
      double[] grad = new double[net.params().length];
      net.backward(net.forward(X, ROWS), c, grad);
      double[] p = net.params();
      for (int i = 0; i < p.length; i++) {
        double keep = p[i];
        double h = 1e-3;
        p[i] = keep + h;
        double up = weighted(net, c);
        p[i] = keep - h;
        double down = weighted(net, c);
        p[i] = keep;
        assertEquals((up - down) / (2 * h), grad[i], 2e-3, "hidden " + hidden + " param " + i);
      }
    }
  }

  private static double weighted(Network net, float[] c) {
    float[] out = net.forward(X, ROWS).output();
    double s = 0;
    for (int i = 0; i < out.length; i++) {
      s += c[i] * out[i];
    }
    return s;
  }

  @Test
  void adamFitsALeastSquaresLine() {
    // y = 2 x0 - x1 + 0.5 x2 + 1, exactly; a linear model trained on squared error recovers it.
    double[] y = new double[X.length];
    for (int i = 0; i < X.length; i++) {
      y[i] = 2 * X[i][0] - X[i][1] + 0.5 * X[i][2] + 1;
    }
    Network net = new Network(3, 0, 1, 1);
    Trainer.Objective squared =
        (out, batch, g) -> {
          double s = 0;
          for (int i = 0; i < out.length; i++) {
            double r = out[i] - y[batch[i]];
            s += r * r / out.length;
            g[i] = (float) (2 * r / out.length);
          }
          return s;
        };
    double[] history = Trainer.fit(net, X, ROWS, squared, new Trainer.Schedule(2000, 4, 0.05, 0));
    assertTrue(history[history.length - 1] < 1e-6, "final loss " + history[history.length - 1]);
    double[] p = net.params();
    assertEquals(2, p[0], 1e-2);
    assertEquals(-1, p[1], 1e-2);
    assertEquals(0.5, p[2], 1e-2);
    assertEquals(1, p[3], 1e-2);
  }

  @Test
  void badArgumentsAreNamed() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Trainer.Schedule(0, 1, 0.1, 0));
    assertTrue(e.getMessage().contains("epochs"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Network(0, 0, 1, 0));
    assertTrue(e.getMessage().contains("in, hidden, out"), e.getMessage());
  }
}
