package dev.losskit.bench.jmh;

import dev.losskit.Catalog;
import dev.losskit.bench.BenchInputs;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time per call of every catalogue loss, value only and value with gradient, on preallocated inputs
 * from the loss's sampler (its natural shape) at a number of units (elements, samples, boxes,
 * pixels), on one thread or on every core.
 *
 * <p>The {@code id} parameter defaults to a few representative losses; {@code
 * tools/bench/jmh-all.sh} runs the full matrix, every catalogue id:
 *
 * <pre>{@code
 * java --add-modules jdk.incubator.vector -jar losskit-bench/target/losskit-bench-*-benchmarks.jar \
 *     'LossBenchmark.valueAndGradient1Thread' -p id=mse,cross-entropy -p units=1000,1000000
 * }</pre>
 *
 * <p>Inputs larger than {@link BenchInputs#MAX_FLOATS} floats, and pairwise losses beyond {@link
 * BenchInputs#PAIRWISE_UNITS} units, are capped; the setup prints the units actually used.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
public class LossBenchmark {
  /** The catalogue id. */
  @Param({"mse", "cross-entropy", "giou", "ssim", "info-nce", "triplet-margin"})
  public String id;

  /** Requested units: 1e3, 1e5, 1e6, 1e7. */
  @Param({"1000", "100000", "1000000", "10000000"})
  public int units;

  private BenchInputs inputs;

  @Setup(Level.Trial)
  public void setUp() {
    inputs = BenchInputs.of(Catalog.builtin().get(id), units, 42);
    if (inputs.units() != units) {
      System.out.println("# " + id + ": capped at " + inputs.units() + " units");
    }
  }

  /** Value only, every call on the calling thread (the common pool has no workers). */
  @Benchmark
  @Fork(
      value = 1,
      jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g", "-D" + ONE_THREAD + "=0"})
  public double value1Thread() {
    return inputs.value();
  }

  /** Value and gradient, every call on the calling thread. */
  @Benchmark
  @Fork(
      value = 1,
      jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g", "-D" + ONE_THREAD + "=0"})
  public double valueAndGradient1Thread() {
    return inputs.valueAndGradient();
  }

  /** Value only, large inputs split across every core. */
  @Benchmark
  public double valueAllCores() {
    return inputs.value();
  }

  /** Value and gradient, large inputs split across every core. */
  @Benchmark
  public double valueAndGradientAllCores() {
    return inputs.valueAndGradient();
  }

  /** The property that sizes the common fork-join pool, on which the core splits large inputs. */
  static final String ONE_THREAD = "java.util.concurrent.ForkJoinPool.common.parallelism";
}
