package dev.losskit.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** One tiny iteration of the JMH benchmark: the generated harness runs and measures something. */
class LossBenchmarkSmokeTest {
  @Test
  void oneIterationOfOneLossRuns() throws Exception {
    Options o =
        new OptionsBuilder()
            .include(LossBenchmark.class.getName() + ".valueAndGradient1Thread")
            .param("id", "huber")
            .param("units", "1000")
            .forks(0)
            .warmupIterations(0)
            .measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(50))
            .timeUnit(TimeUnit.NANOSECONDS)
            .shouldFailOnError(true)
            .build();
    Collection<RunResult> results = new Runner(o).run();
    assertEquals(1, results.size());
    double nanos = results.iterator().next().getPrimaryResult().getScore();
    assertTrue(nanos > 0 && Double.isFinite(nanos), "time per call: " + nanos);
  }
}
