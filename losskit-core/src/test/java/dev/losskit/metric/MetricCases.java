package dev.losskit.metric;

import dev.losskit.Tensor;
import dev.losskit.testing.LossContractTest.BadInput;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Extreme and invalid inputs shared by the tests of losses over two views {@code (N, D)}. */
final class MetricCases {
  private MetricCases() {}

  /**
   * Zero-norm rows, duplicated rows, a batch of one, magnitudes of 1e30, 1e-30 and 1e-7 around the
   * norm clamp, and an empty batch.
   */
  static List<Tensor[]> pairExtremes(SplittableRandom r) {
    int dim = 3;
    List<Tensor[]> out = new ArrayList<>();
    out.add(
        new Tensor[] {
          Tensor.of(new float[] {0, 0, 0, 1, 2, 3, 0, 0, 0}, 3, dim),
          Tensor.of(new float[] {0, 0, 0, -1, 0, 2, 4, 4, 4}, 3, dim)
        });
    float[] same = {1, 2, 3, 1, 2, 3, 1, 2, 3};
    out.add(new Tensor[] {Tensor.of(same, 3, dim), Tensor.of(same.clone(), 3, dim)});
    out.add(
        new Tensor[] {
          Tensor.of(new float[] {0.5f, -1, 2}, 1, dim), Tensor.of(new float[] {0, 0, 0}, 1, dim)
        });
    out.add(
        new Tensor[] {
          Tensor.of(new float[] {1e30f, -1e30f, 1e30f, 1e-30f, 0, -1e-30f}, 2, dim),
          Tensor.of(new float[] {-1e30f, 3e30f, 0, 1e-7f, 1e-7f, 0}, 2, dim)
        });
    out.add(
        new Tensor[] {
          Tensor.of(new float[] {1e-13f, 0, 0, 0, 5e-13f, 0}, 2, dim),
          Tensor.of(new float[] {1e-12f, 0, 0, 0, 0, 2e-12f}, 2, dim)
        });
    out.add(new Tensor[] {Tensor.of(new float[0], 0, dim), Tensor.of(new float[0], 0, dim)});
    return out;
  }

  /** Mismatched shapes and wrong ranks, for inputs named {@code first} and {@code second}. */
  static List<BadInput> pairBadInputs(String first, String second) {
    return List.of(
        new BadInput(
            second + " with another dimension",
            new Tensor[] {Tensor.of(new float[6], 2, 3), Tensor.of(new float[4], 2, 2)},
            second,
            "(2, 3)",
            "(2, 2)"),
        new BadInput(
            second + " with another batch size",
            new Tensor[] {Tensor.of(new float[6], 2, 3), Tensor.of(new float[9], 3, 3)},
            second,
            "(3, 3)"),
        new BadInput(
            first + " of rank 1",
            new Tensor[] {Tensor.of(new float[3], 3), Tensor.of(new float[3], 3)},
            first,
            "(N, D)",
            "(3)"),
        new BadInput(
            first + " of rank 3",
            new Tensor[] {Tensor.of(new float[8], 2, 2, 2), Tensor.of(new float[8], 2, 2, 2)},
            first,
            "(N, D)",
            "(2, 2, 2)"));
  }

  /**
   * Cosine logits at the domain edges: exactly +/-1 at and off the target, slightly beyond 1 from
   * rounding, all equal, and a single class.
   */
  static List<Tensor[]> cosineExtremes() {
    return List.of(
        new Tensor[] {
          Tensor.of(new float[] {1, -1, 1, -1, 1, -1, 1, 1, 1}, 3, 3),
          Tensor.indices(new int[] {0, 0, 2})
        },
        new Tensor[] {
          Tensor.of(new float[] {1.0000001f, -1.0000001f, 0, 0, 0, 0}, 2, 3),
          Tensor.indices(new int[] {0, 1})
        },
        new Tensor[] {
          Tensor.of(new float[] {0.3f, -0.7f}, 2, 1), Tensor.indices(new int[] {0, 0})
        });
  }

  /** Class indices out of range, targets of the wrong shape or kind, cosines of the wrong rank. */
  static List<BadInput> cosineBadInputs() {
    Tensor cos = Tensor.of(new float[6], 2, 3);
    return List.of(
        new BadInput(
            "class index 3 of 3 classes",
            new Tensor[] {cos, Tensor.indices(new int[] {0, 3})},
            "target",
            "[0, 3)",
            "3",
            "index 1"),
        new BadInput(
            "negative class index",
            new Tensor[] {cos, Tensor.indices(new int[] {-1, 0})},
            "target",
            "-1"),
        new BadInput(
            "one target too many",
            new Tensor[] {cos, Tensor.indices(new int[] {0, 1, 2})},
            "target",
            "(2)",
            "(3)"),
        new BadInput(
            "floating target",
            new Tensor[] {cos, Tensor.of(new float[] {0, 1})},
            "target",
            "integer"),
        new BadInput(
            "cosine of rank 1",
            new Tensor[] {Tensor.of(new float[3]), Tensor.indices(new int[] {0, 1, 2})},
            "cosine",
            "(N, C)",
            "(3)"));
  }
}
