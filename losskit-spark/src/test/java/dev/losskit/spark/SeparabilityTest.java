package dev.losskit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.losskit.Catalog;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which losses the aggregate carries as per-row sums: elementwise and per-sample losses, yes;
 * losses whose value for one row depends on the other rows of its batch, or whose only reduction is
 * not a sum, no.
 */
class SeparabilityTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "mse, true",
    "huber, true",
    "cross-entropy, true",
    "softmax-focal, true",
    "giou, true",
    "triplet-margin, true",
    "kl-div, true",
    "rmse, false",
    "nt-xent, false",
    "info-nce, false",
    "clip, false",
    "batch-hard-triplet, false",
    "gan-discriminator, false"
  })
  void decidesFromTheLossItself(String id, boolean separable) {
    assertEquals(separable, Separability.rowSeparable(Catalog.builtin().create(id)), id);
  }

  @ParameterizedTest(name = "dice per-image={0}")
  @CsvSource({"true, true", "false, false"})
  void aParameterCanCoupleTheRows(boolean perImage, boolean separable) {
    assertEquals(
        separable,
        Separability.rowSeparable(Catalog.builtin().create("dice", Map.of("per-image", perImage))));
  }
}
