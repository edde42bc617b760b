package dev.losskit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingExperimentCommandTest {
  @TempDir Path dir;

  @Test
  void outliersPrintsTheTableAndWritesEveryValue() throws Exception {
    Path csv = dir.resolve("outliers.csv");
    Cli r = Cli.run("experiment", "outliers", "--quick", "--reps", "1", "--out", csv.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("| loss | MAE 0% | MAE 30% | RMSE 0% | RMSE 30% |"), r.out());
    assertTrue(r.out().contains("| mse |"), r.out());
    String written = Files.readString(csv);
    assertTrue(written.startsWith("loss,metric,rep,value\n"), written);
    // 7 rows (6 losses and the constant) x 4 metric columns x 1 repetition, plus the header.
    assertEquals(1 + 7 * 4, written.lines().count());
  }

  @Test
  void everyExperimentIsListed() {
    Cli r = Cli.run("experiment", "--help");
    for (String name : new String[] {"outliers", "imbalance", "label-noise", "forecasting"}) {
      assertTrue(r.out().contains(name), r.out());
    }
  }

  @Test
  void badRepetitionsAreAUsageErrorAndWriteNothing() {
    Path csv = dir.resolve("x.csv");
    Cli r = Cli.run("experiment", "imbalance", "--reps", "0", "--out", csv.toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--reps"), r.err());
    assertFalse(Files.exists(csv));
  }
}
