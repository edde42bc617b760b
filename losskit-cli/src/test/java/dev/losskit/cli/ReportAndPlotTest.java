package dev.losskit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.Catalog;
import dev.losskit.LossSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportAndPlotTest {
  @Test
  void reportWritesEveryLossPageAndTheIndex(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("site");
    Cli r = Cli.run("report", "--out", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains(out.resolve("index.html").toString()), r.out());
    String index = Files.readString(out.resolve("index.html"));
    for (LossSpec s : Catalog.builtin().specs()) {
      assertTrue(Files.exists(out.resolve("losses/" + s.id() + ".html")), s.id());
      assertTrue(index.contains("losses/" + s.id() + ".html"), s.id());
      for (String a : s.aliases()) {
        assertTrue(Files.exists(out.resolve("losses/" + a + ".html")), a);
      }
    }
  }

  @Test
  void reportNeverReplacesAFolderOfOtherFiles(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("notes.txt"), "mine");
    Cli r = Cli.run("report", "--out", dir.toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("--out: expected a new or empty folder"), r.err());
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(dir.resolve("notes.txt")), s.toList());
    }
  }

  @Test
  void plotWritesSvgAndPng(@TempDir Path dir) throws IOException {
    Path svg = dir.resolve("huber.svg");
    Cli r = Cli.run("plot", "huber", "--out", svg.toString());
    assertEquals(0, r.exitCode(), r.err());
    String text = Files.readString(svg);
    assertTrue(text.contains("<svg") && text.contains("<path"), text.substring(0, 200));
    assertTrue(text.contains("delta = 0.5") && text.contains("delta = 2"), "variants");

    Path png = dir.resolve("focal.png");
    r = Cli.run("plot", "sigmoid-focal", "--param", "gamma=0", "--out", png.toString());
    assertEquals(0, r.exitCode(), r.err());
    byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head);
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(2, s.count(), "no temporary file left");
    }
  }

  @Test
  void plotUsageErrorsExitTwoAndWriteNothing(@TempDir Path dir) throws IOException {
    Path svg = dir.resolve("x.svg");
    Cli r = Cli.run("plot", "hubber", "--out", svg.toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("did you mean 'huber'"), r.err());

    r = Cli.run("plot", "huber", "--param", "delta=-1", "--out", svg.toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("parameter delta: expected a positive number"), r.err());

    r = Cli.run("plot", "huber", "--param", "beta=1", "--out", svg.toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("parameter beta: not a parameter of huber"), r.err());

    r = Cli.run("plot", "huber", "--out", dir.resolve("x.pdf").toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--out: expected a file name ending in .svg or .png"), r.err());

    r = Cli.run("plot", "huber");
    assertEquals(2, r.exitCode());
    try (Stream<Path> s = Files.list(dir)) {
      assertFalse(s.findAny().isPresent(), "nothing written");
    }
  }
}
