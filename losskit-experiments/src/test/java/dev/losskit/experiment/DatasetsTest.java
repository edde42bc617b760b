package dev.losskit.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.experiment.Datasets.Series;
import dev.losskit.experiment.Datasets.Split;
import dev.losskit.experiment.Datasets.Table;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetsTest {
  @Test
  void breastCancer() {
    Table t = Datasets.breastCancer();
    assertEquals(569, t.rows());
    assertEquals(30, t.features());
    assertEquals(List.of("malignant", "benign"), t.classes());
    // First row of the file: 17.99,10.38,122.8,...,0.1189,0
    assertEquals(17.99, t.x()[0][0]);
    assertEquals(0.1189, t.x()[0][29]);
    assertEquals(0, t.y()[0]);
    assertEquals(212, count(t.y(), 0));
    assertEquals(357, count(t.y(), 1));
  }

  @Test
  void digits() {
    Table t = Datasets.digits();
    assertEquals(1797, t.rows());
    assertEquals(64, t.features());
    for (int c = 0; c < 10; c++) {
      assertTrue(count(t.y(), c) > 170, "about 180 images of each digit");
    }
    for (double[] row : t.x()) {
      for (double v : row) {
        assertTrue(v >= 0 && v <= 16, "pixel values in 0..16");
      }
    }
    assertEquals(5, t.x()[0][2]);
  }

  @Test
  void diabetes() {
    Table t = Datasets.diabetes();
    assertEquals(442, t.rows());
    assertEquals(10, t.features());
    // First rows of the files: "59 2 32.1 101.0 157 93.2 38.0 4.0 4.8598 87" and 151.
    assertArrayEquals(
        new double[] {59, 2, 32.1, 101.0, 157, 93.2, 38.0, 4.0, 4.8598, 87}, t.x()[0]);
    assertEquals(151, t.y()[0]);
    assertEquals(75, t.y()[1]);
    assertTrue(Arrays.stream(t.y()).allMatch(v -> v >= 25 && v <= 346));
  }

  @Test
  void co2GapsAreFilledBetweenTheirNeighbours() {
    Series s = Datasets.co2();
    assertEquals(2284, s.values().length);
    assertEquals(19580329, s.dates()[0]);
    assertEquals(20011229, s.dates()[2283]);
    int missing = 0;
    for (int i = 0; i < s.observed().length; i++) {
      assertTrue(Double.isFinite(s.values()[i]));
      if (!s.observed()[i]) {
        missing++;
      }
    }
    assertEquals(59, missing);
    // Week 6 (1958-05-10) has no measurement; weeks 5 and 7 do.
    assertFalse(s.observed()[6]);
    assertTrue(s.observed()[5] && s.observed()[7]);
    assertEquals((s.values()[5] + s.values()[7]) / 2, s.values()[6], 1e-12);
  }

  @Test
  void fillGapsInterpolatesAndHoldsTheEnds() {
    double[] v = {0, 1, 0, 0, 7, 0, 0};
    boolean[] seen = {false, true, false, false, true, false, false};
    Datasets.fillGaps(v, seen);
    assertArrayEquals(new double[] {1, 1, 3, 5, 7, 7, 7}, v, 1e-12);
    assertThrows(
        IllegalArgumentException.class,
        () -> Datasets.fillGaps(new double[2], new boolean[2]),
        "no observation at all");
  }

  @Test
  void splitIsSeededDisjointAndComplete() {
    Split a = Datasets.split(100, 0.2, 7);
    assertEquals(20, a.test().length);
    assertEquals(80, a.train().length);
    boolean[] seen = new boolean[100];
    for (int i : a.train()) {
      seen[i] = true;
    }
    for (int i : a.test()) {
      assertFalse(seen[i], "row " + i + " in both parts");
      seen[i] = true;
    }
    for (boolean b : seen) {
      assertTrue(b);
    }
    Split again = Datasets.split(100, 0.2, 7);
    assertArrayEquals(a.test(), again.test());
    assertFalse(Arrays.equals(a.test(), Datasets.split(100, 0.2, 8).test()));
  }

  @Test
  void splitRejectsBadArguments() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Datasets.split(10, 1.0, 0));
    assertTrue(e.getMessage().contains("testShare"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Datasets.split(1, 0.5, 0));
    assertTrue(e.getMessage().startsWith("n:"), e.getMessage());
  }

  @Test
  void standardizeUsesTheFitRowsOnly() {
    double[][] x = {{1, 5}, {3, 5}, {100, 5}};
    double[][] z = Datasets.standardize(x, new int[] {0, 1}, new int[] {0, 1, 2});
    // Mean 2 and standard deviation 1 on rows 0 and 1; the constant column is only centred.
    assertArrayEquals(new double[] {-1, 0}, z[0], 1e-12);
    assertArrayEquals(new double[] {1, 0}, z[1], 1e-12);
    assertArrayEquals(new double[] {98, 0}, z[2], 1e-12);
    assertEquals(1.0, x[0][0], "input not modified");
  }

  private static int count(double[] y, double c) {
    int n = 0;
    for (double v : y) {
      if (v == c) {
        n++;
      }
    }
    return n;
  }
}
