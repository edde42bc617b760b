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
 * <p>The {@code id} parameter defaults to a few representative losses; the full matrix names every
 * id, as {@code tools/bench/jmh-all.sh} does:
 *
 * <pre>{@code
 * java --add-modules jdk.incubator.vector -jar losskit-bench/target/losskit-bench-*-benchmarks.jar \
 *     LossBenchmark -p id=mse,cross-entropy -p units=1000,1000000 -p threads=1
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

  /** {@code 1}: the calling thread only; {@code all}: large inputs split across every core. */
  @Param({"1", "all"})
  public String threads;

  private BenchInputs inputs;
  private Threads.Setting previous;

  @Setup(Level.Trial)
  public void setUp() {
    previous = Threads.apply(threads);
    inputs = BenchInputs.of(Catalog.builtin().get(id), units, 42);
    if (inputs.units() != units) {
      System.out.println("# " + id + ": capped at " + inputs.units() + " units");
    }
  }

  @org.openjdk.jmh.annotations.TearDown(Level.Trial)
  public void tearDown() {
    Threads.restore(previous);
  }

  @Benchmark
  public double value() {
    return inputs.value();
  }

  @Benchmark
  public double valueAndGradient() {
    return inputs.valueAndGradient();
  }
}
