package dev.losskit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.losskit.Reduction;
import dev.losskit.Tensor;
import dev.losskit.io.Npy;
import dev.losskit.testing.Json;
import dev.losskit.testing.References;
import dev.losskit.testing.References.Case;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EvalTest {
  @TempDir Path dir;

  static List<Case> cases() {
    return References.all();
  }

  /** Every reference case through the command line: the peer's value and gradients to 1e-4. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  @SuppressWarnings("unchecked")
  void agreesWithThePeerThroughTheCommandLine(Case c) throws IOException {
    List<String> args = new ArrayList<>(List.of("eval", c.id(), "--reduction", c.reduction().id()));
    boolean first = true;
    for (Map.Entry<String, Tensor> e : c.inputs().entrySet()) {
      Path f = dir.resolve(e.getKey() + ".npy");
      writeNpy(f, e.getValue());
      if (first) {
        args.addAll(List.of("--pred", f.toString()));
        first = false;
      } else {
        args.addAll(List.of("--input", e.getKey() + "=" + f));
      }
    }
    c.params().forEach((k, v) -> args.addAll(List.of("--param", k + "=" + v)));
    for (String g : c.grads().keySet()) {
      args.addAll(List.of("--grad-out", g + "=" + dir.resolve("grad-" + g + ".npy")));
    }
    Path valueOut = dir.resolve("values.npy");
    if (c.reduction() == Reduction.NONE) {
      args.addAll(List.of("--value-out", valueOut.toString()));
    }
    Cli r = Cli.run(args.toArray(new String[0]));
    assertEquals(0, r.exitCode(), c + ": " + r.err());
    Map<String, Object> json = (Map<String, Object>) Json.parse(r.out());
    assertEquals(Stream.of(c.id()).findFirst().get(), json.get("loss"));
    if (c.reduction() == Reduction.NONE) {
      close(c.values().data(), Npy.read(valueOut).data(), c + " values");
    } else {
      close(
          new float[] {(float) c.value()},
          new float[] {((Double) json.get("value")).floatValue()},
          c + " value");
    }
    for (Map.Entry<String, Tensor> g : c.grads().entrySet()) {
      Tensor ours = Npy.read(dir.resolve("grad-" + g.getKey() + ".npy"));
      assertTrue(ours.hasShape(g.getValue().shape()), c + " gradient shape");
      close(g.getValue().data(), ours.data(), c + " d/d" + g.getKey());
    }
  }

  private static void close(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    double max = 0;
    for (float v : expected) {
      max = Math.max(max, Math.abs(v));
    }
    for (int i = 0; i < expected.length; i++) {
      if (!(Math.abs(expected[i] - actual[i])
          <= 1e-4 * Math.abs(expected[i]) + 1e-6 * Math.max(1, max))) {
        fail(what + "[" + i + "]: peer " + expected[i] + ", losskit " + actual[i]);
      }
    }
  }

  /** Writes float32 or, for integral tensors, int64 .npy files, as NumPy would. */
  static void writeNpy(Path f, Tensor t) throws IOException {
    if (!t.isIntegral()) {
      Npy.write(f, t);
      return;
    }
    byte[] floats = Npy.toBytes(t);
    String header =
        new String(
            floats,
            10,
            ByteBuffer.wrap(floats, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort(),
            "ISO-8859-1");
    header = header.replace("'<f4'", "'<i8'");
    ByteBuffer b =
        ByteBuffer.allocate(10 + header.length() + 8 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
    b.put(floats, 0, 8).putShort((short) header.length()).put(header.getBytes("ISO-8859-1"));
    for (float v : t.data()) {
      b.putLong((long) v);
    }
    Files.write(f, b.array());
  }

  // ------------------------------------------------------------------ errors: message, exit code,
  // no output

  private Cli evalExpectingFailure(int code, String mustMention, String... args) {
    Path grad = dir.resolve("grad.npy");
    Path values = dir.resolve("v.npy");
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--grad-out", grad.toString()));
    Cli r = Cli.run(all.toArray(new String[0]));
    assertEquals(code, r.exitCode(), r.err());
    assertTrue(
        r.err().contains(mustMention), "stderr should mention '" + mustMention + "': " + r.err());
    assertEquals("", r.out(), "nothing on stdout");
    assertFalse(Files.exists(grad), "no gradient file on error");
    assertFalse(Files.exists(values), "no value file on error");
    try (Stream<Path> left = Files.list(dir)) {
      assertTrue(
          left.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")),
          "no temporary files left");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return r;
  }

  private Path npy(String name, float[] data, int... shape) throws IOException {
    Path f = dir.resolve(name);
    Npy.write(f, Tensor.of(data, shape));
    return f;
  }

  @Test
  void malformedFilesAreInvalidData() throws IOException {
    Path p = npy("p.npy", new float[] {1, 2, 3});
    byte[] good = Files.readAllBytes(p);
    Path truncated = dir.resolve("truncated.npy");
    Files.write(truncated, java.util.Arrays.copyOf(good, good.length - 2));
    evalExpectingFailure(
        1, "truncated", "eval", "mse", "--pred", p.toString(), "--target", truncated.toString());
    Path garbage = dir.resolve("garbage.npy");
    Files.writeString(garbage, "pred,target\n1,2\n");
    evalExpectingFailure(
        1,
        "not a .npy file",
        "eval",
        "mse",
        "--pred",
        garbage.toString(),
        "--target",
        p.toString());
    Path bigEndian = dir.resolve("big.npy");
    Files.write(
        bigEndian, new String(good, "ISO-8859-1").replace("'<f4'", "'>f4'").getBytes("ISO-8859-1"));
    evalExpectingFailure(
        1, "big-endian", "eval", "mse", "--pred", p.toString(), "--target", bigEndian.toString());
    Path fortran = dir.resolve("fortran.npy");
    Files.write(
        fortran, new String(good, "ISO-8859-1").replace("False", "True ").getBytes("ISO-8859-1"));
    evalExpectingFailure(
        1, "Fortran", "eval", "mse", "--pred", p.toString(), "--target", fortran.toString());
    Path int16 = dir.resolve("int16.npy");
    Files.write(
        int16, new String(good, "ISO-8859-1").replace("'<f4'", "'<i2'").getBytes("ISO-8859-1"));
    evalExpectingFailure(
        1, "<i2", "eval", "mse", "--pred", p.toString(), "--target", int16.toString());
    evalExpectingFailure(
        1,
        "no such file",
        "eval",
        "mse",
        "--pred",
        p.toString(),
        "--target",
        dir.resolve("missing.npy").toString());
  }

  @Test
  void mismatchedShapesAreInvalidData() throws IOException {
    Path p = npy("p.npy", new float[6], 2, 3);
    Path t = npy("t.npy", new float[6], 3, 2);
    evalExpectingFailure(
        1,
        "target: expected the shape of pred (2, 3), found (3, 2)",
        "eval",
        "mse",
        "--pred",
        p.toString(),
        "--target",
        t.toString());
  }

  @Test
  void classIndexOutOfRangeIsInvalidData() throws IOException {
    Path logits = npy("logits.npy", new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Path labels = dir.resolve("labels.npy");
    writeNpy(labels, Tensor.indices(new int[] {0, 3}));
    evalExpectingFailure(
        1,
        "target",
        "eval",
        "cross-entropy",
        "--pred",
        logits.toString(),
        "--target",
        labels.toString());
    Cli r =
        Cli.run(
            "eval", "cross-entropy", "--pred", logits.toString(), "--target", labels.toString());
    assertTrue(r.err().contains("3"), r.err());
  }

  @Test
  void probabilityAboveOneIsInvalidDataForBce() throws IOException {
    Path p = npy("p.npy", new float[] {0.2f, 1.5f});
    Path t = npy("t.npy", new float[] {0, 1});
    evalExpectingFailure(
        1, "pred", "eval", "bce", "--pred", p.toString(), "--target", t.toString());
    Cli r = Cli.run("eval", "bce", "--pred", p.toString(), "--target", t.toString());
    assertTrue(r.err().contains("1.5") && r.err().contains("[0, 1]"), r.err());
  }

  @Test
  void extraInputsAndTheirGradientsByName() throws IOException {
    Path mu = npy("mu.npy", new float[] {0.5f, -1f, 2f});
    Path y = npy("y.npy", new float[] {1f, 0f, 2f});
    Path var = npy("var.npy", new float[] {1f, 2f, 0.5f});
    Path gVar = dir.resolve("g-var.npy");
    Path gMu = dir.resolve("g-mu.npy");
    Cli r =
        Cli.run(
            "eval",
            "gaussian-nll",
            "--pred",
            mu.toString(),
            "--target",
            y.toString(),
            "--input",
            "var=" + var,
            "--grad-out",
            gMu.toString(),
            "--grad-out",
            "var=" + gVar);
    assertEquals(0, r.exitCode(), r.err());
    // d/dvar of (log var + r^2 / var) / 2, mean over 3 elements.
    float[] expected = {
      (float) ((1 - 0.25 / 1) / (2 * 1) / 3), (float) ((1 - 1.0 / 2) / (2 * 2) / 3), 0f
    };
    assertEquals(expected[0], Npy.read(gVar).data()[0], 1e-6);
    assertEquals(expected[1], Npy.read(gVar).data()[1], 1e-6);
    assertEquals((float) ((0.5 - 1) / 1 / 3), Npy.read(gMu).data()[0], 1e-6);
  }

  @Test
  void nanInputIsInvalidData() throws IOException {
    Path p = npy("p.npy", new float[] {1, Float.NaN, 3});
    Path t = npy("t.npy", new float[] {1, 2, 3});
    evalExpectingFailure(
        1, "pred", "eval", "huber", "--pred", p.toString(), "--target", t.toString());
  }

  @Test
  void unknownLossParameterReductionOrInputAreUsageErrors() throws IOException {
    Path p = npy("p.npy", new float[] {1, 2});
    Path t = npy("t.npy", new float[] {1, 2});
    evalExpectingFailure(
        2,
        "no-such-loss",
        "eval",
        "no-such-loss",
        "--pred",
        p.toString(),
        "--target",
        t.toString());
    evalExpectingFailure(
        2,
        "gamma",
        "eval",
        "huber",
        "--pred",
        p.toString(),
        "--target",
        t.toString(),
        "--param",
        "gamma=2");
    evalExpectingFailure(
        2,
        "delta",
        "eval",
        "huber",
        "--pred",
        p.toString(),
        "--target",
        t.toString(),
        "--param",
        "delta=-1");
    evalExpectingFailure(
        2,
        "batchmean",
        "eval",
        "huber",
        "--pred",
        p.toString(),
        "--target",
        t.toString(),
        "--reduction",
        "batchmean");
    evalExpectingFailure(
        2,
        "weight",
        "eval",
        "huber",
        "--pred",
        p.toString(),
        "--target",
        t.toString(),
        "--input",
        "weight=" + t);
  }

  @Test
  void unreducedValuesGoToValueOut() throws IOException {
    Path p = npy("p.npy", new float[] {1, 2, 3, 4}, 2, 2);
    Path t = npy("t.npy", new float[] {0, 2, 5, 4}, 2, 2);
    Path v = dir.resolve("values.npy");
    Cli r =
        Cli.run(
            "eval",
            "mse",
            "--pred",
            p.toString(),
            "--target",
            t.toString(),
            "--reduction",
            "none",
            "--value-out",
            v.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("{\"loss\":\"mse\",\"reduction\":\"none\",\"shape\":[2,2]}", r.out().trim());
    Tensor values = Npy.read(v);
    assertTrue(values.hasShape(2, 2));
    assertEquals(
        List.of(1f, 0f, 4f, 0f),
        List.of(values.data()[0], values.data()[1], values.data()[2], values.data()[3]));
  }

  @Test
  void printsExactlyOneJsonObject() throws IOException {
    Path p = npy("p.npy", new float[] {1, 2});
    Path t = npy("t.npy", new float[] {0, 0});
    Cli r = Cli.run("eval", "mse", "--pred", p.toString(), "--target", t.toString());
    assertEquals(
        "{\"loss\":\"mse\",\"reduction\":\"mean\",\"value\":2.5,\"shape\":[]}", r.out().trim());
  }
}
