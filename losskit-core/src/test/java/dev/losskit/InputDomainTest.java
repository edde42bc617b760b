package dev.losskit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.Test;

/**
 * Every domain against its definition written out here: one special value at each position of
 * inputs around the vector lengths is accepted or rejected exactly as the definition says, and a
 * rejection names the input, the domain and the first offending value and index.
 */
class InputDomainTest {
  private static final float[] SPECIAL = {
    Float.NaN,
    Float.POSITIVE_INFINITY,
    Float.NEGATIVE_INFINITY,
    Float.MAX_VALUE,
    -Float.MAX_VALUE,
    0f,
    -0f,
    Float.MIN_VALUE,
    -Float.MIN_VALUE,
    1f,
    -1f,
    Math.nextUp(1f),
    Math.nextDown(1f),
    Math.nextUp(-1f),
    Math.nextDown(-1f),
    0.5f,
    -0.5f,
    2f,
    -3f
  };

  private static final int[] SIZES = {1, 3, 8, 17, 33, 70};

  /** The definition of each domain, per value, for a floating (or integral) tensor. */
  private static DoublePredicate definition(InputDomain d, boolean integral) {
    DoublePredicate finite = v -> !Double.isNaN(v) && !Double.isInfinite(v);
    switch (d) {
      case POSITIVE:
        return finite.and(v -> v > 0);
      case NONNEGATIVE:
        return finite.and(v -> v >= 0);
      case PROBABILITY:
        return v -> v >= 0 && v <= 1;
      case LOG_PROBABILITY:
        return finite.and(v -> v <= 0);
      case CLASS_INDEX_OR_PROBABILITY:
        return integral ? finite : v -> v >= 0 && v <= 1;
      case SIGN:
        return v -> v == 1 || v == -1;
      case SIGN_OR_BINARY:
        return v -> v == 1 || v == -1 || v == 0;
      case ABOVE_MINUS_ONE:
        return finite.and(v -> v > -1);
      default:
        return finite;
    }
  }

  /** A value the domain accepts in both kinds of tensor. */
  private static float filler(InputDomain d) {
    return d == InputDomain.LOG_PROBABILITY ? -1f : 1f;
  }

  @Test
  void acceptsAndRejectsAsDefinedWithTheFirstOffenderNamed() {
    for (InputDomain d : InputDomain.values()) {
      for (boolean integral : new boolean[] {false, true}) {
        if (d == InputDomain.CLASS_INDEX && !integral) {
          continue; // rejected whatever the values, below
        }
        DoublePredicate accepts = definition(d, integral);
        for (int n : SIZES) {
          for (int pos = 0; pos < n; pos++) {
            for (float s : SPECIAL) {
              if (integral && !(s == Math.rint(s) && Math.abs(s) <= 1 << 24)) {
                continue; // not an integral tensor's value
              }
              float[] x = new float[n];
              Arrays.fill(x, filler(d));
              x[pos] = s;
              // A second offender after the first (floating tensors): the message names the first.
              boolean second = !integral && pos + 1 < n;
              if (second) {
                x[n - 1] = Float.NaN;
              }
              Tensor t = integral ? Tensor.integral(x, n) : Tensor.of(x, n);
              int first = -1;
              for (int i = n - 1; i >= 0; i--) {
                first = accepts.test(x[i]) ? first : i;
              }
              String where = d + " integral=" + integral + " n=" + n + " x[" + pos + "]=" + s;
              if (first < 0) {
                d.check("input", t);
              } else {
                IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> d.check("input", t), where);
                assertEquals(
                    "input: expected "
                        + d.description()
                        + ", found "
                        + x[first]
                        + " at index "
                        + first,
                    e.getMessage(),
                    where);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void classIndicesMustBeIntegral() {
    Tensor t = Tensor.of(new float[] {0, 1}, 2);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> InputDomain.CLASS_INDEX.check("y", t));
    assertEquals(
        "y: expected " + InputDomain.CLASS_INDEX.description() + ", found a floating tensor " + t,
        e.getMessage());
  }
}
