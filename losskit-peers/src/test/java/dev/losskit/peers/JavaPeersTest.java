package dev.losskit.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losskit.bench.PeerCases;
import dev.losskit.bench.SideBySide;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each peer computes the same loss and gradient as losskit on the same small inputs, for every case
 * it is timed on; the command line and the value check reject what they should.
 */
class JavaPeersTest {
  private static final int N = 1000;
  private static final Map<String, Peer> PEERS = new ConcurrentHashMap<>();

  private static Peer peer(String name) {
    return PEERS.computeIfAbsent(name, p -> JavaPeers.open(p, 1));
  }

  @AfterAll
  static void closePeers() {
    PEERS.values().forEach(Peer::close);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "djl, mse",
    "djl, l1",
    "djl, bce_logits",
    "djl, cross_entropy_c10",
    "djl, nll_c10",
    "nd4j, mse",
    "nd4j, l1",
    "nd4j, bce_logits",
    "nd4j, bce",
    "nd4j, cross_entropy_c10",
    "tf, mse",
    "tf, l1",
    "tf, huber",
    "tf, smooth_l1",
    "tf, log_cosh",
    "tf, bce_logits",
    "tf, bce",
    "tf, cross_entropy_c10"
  })
  void peerGivesLosskitsValueAndGradient(String peerName, String name) {
    PeerCases.Case c = PeerCases.build(name, N, SideBySide.seed(name, N));
    double expected = c.step();
    float[] want = c.grads()[0];
    Peer peer = peer(peerName);
    try (Peer.Step step = peer.prepare(name, c)) {
      assertNotNull(step, peerName + " should have " + name);
      double value = step.run();
      JavaPeers.checkValue(peer.label(), name, N, value, expected, 1e-4);
      float[] got = step.gradient();
      assertEquals(want.length, got.length, "gradient length");
      double scale = 0;
      double diff = 0;
      for (int i = 0; i < want.length; i++) {
        scale = Math.max(scale, Math.abs(want[i]));
        diff = Math.max(diff, Math.abs(want[i] - got[i]));
      }
      assertTrue(scale > 0, "losskit's gradient is not all zero");
      assertTrue(
          diff <= 1e-4 * scale, peerName + " " + name + ": gradient differs by " + diff / scale);
    }
  }

  @Test
  void casesAPeerDoesNotHaveAreSkipped() {
    PeerCases.Case c = PeerCases.build("ssim", N, 1);
    for (String p : List.of("djl", "nd4j", "tf")) {
      assertNull(peer(p).prepare("ssim", c), p);
    }
  }

  @Test
  void aDifferentValueStopsTheRun() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> JavaPeers.checkValue("peer", "mse", N, 1.001, 1.0, 1e-4));
    assertTrue(e.getMessage().contains("mse"), e.getMessage());
    assertThrows(
        IllegalStateException.class,
        () -> JavaPeers.checkValue("peer", "mse", N, Double.NaN, 1.0, 1e-4));
  }

  @Test
  void badCommandLinesNameTheOption() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> JavaPeers.parse(new String[] {"--peer", "jax", "--out", "x.csv"}));
    assertTrue(e.getMessage().startsWith("--peer"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> JavaPeers.parse(new String[] {"--peer", "tf", "--only", "nope", "--out", "x"}));
    assertTrue(e.getMessage().startsWith("--only"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> JavaPeers.parse(new String[] {"--peer", "tf"}));
    assertTrue(e.getMessage().startsWith("--out"), e.getMessage());
  }

  @Test
  void aRunWritesTheSideBySideColumns(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("tf.csv");
    JavaPeers.run(
        JavaPeers.parse(
            new String[] {
              "--peer",
              "tf",
              "--only",
              "mse,ssim",
              "--sizes",
              "1e3",
              "--target-time",
              "0.01",
              "--repeats",
              "1",
              "--out",
              out.toString()
            }));
    List<String> lines = Files.readAllLines(out);
    assertEquals(String.join(",", SideBySide.FIELDS), lines.get(0));
    assertEquals(2, lines.size(), "one row: mse (ssim is skipped)");
    assertTrue(lines.get(1).startsWith("loss,mse,"), lines.get(1));
    assertTrue(lines.get(1).contains("tensorflow-java"), lines.get(1));
    assertFalse(Files.exists(dir.resolve("tf.csv.part")));
  }
}
