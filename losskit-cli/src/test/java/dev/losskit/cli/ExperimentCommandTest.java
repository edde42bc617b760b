package dev.losskit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentCommandTest {
  @TempDir Path dir;

  @Test
  void boxRegressionPrintsTheTableAndWritesTheCurves() throws IOException {
    Path csv = dir.resolve("curves.csv");
    Cli r =
        Cli.run(
            "experiment",
            "box-regression",
            "--centres",
            "2",
            "--iterations",
            "3",
            "--loss",
            "giou",
            "--loss",
            "ciou",
            "--out",
            csv.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("\ngiou "), r.out());
    List<String> lines = Files.readAllLines(csv);
    assertEquals("iteration,giou,ciou", lines.get(0));
    assertEquals(5, lines.size());
  }

  @Test
  void boostingPrintsTheTablesAndWritesEveryMeasurement() throws IOException {
    Path csv = dir.resolve("boosting.csv");
    Cli r =
        Cli.run("experiment", "boosting", "--seeds", "1", "--rounds", "3", "--out", csv.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("pseudo-huber"), r.out());
    List<String> lines = Files.readAllLines(csv);
    assertTrue(lines.size() > 10, lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.contains("losskit")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.contains("xgboost")), lines.toString());
  }

  @Test
  void badSettingsAreUsageErrorsAndWriteNothing() {
    Path csv = dir.resolve("none.csv");
    Cli r = Cli.run("experiment", "boosting", "--corrupted", "1.5", "--out", csv.toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--corrupted: expected a share in (0, 1)"), r.err());
    assertFalse(Files.exists(csv));
    Cli box = Cli.run("experiment", "box-regression", "--loss", "nope", "--out", csv.toString());
    assertEquals(2, box.exitCode());
    assertFalse(Files.exists(csv));
  }

  @Test
  void anExperimentNameIsRequired() {
    Cli r = Cli.run("experiment");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("forecasting, boosting"), r.err());
  }
}
