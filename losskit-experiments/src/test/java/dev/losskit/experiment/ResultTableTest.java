package dev.losskit.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResultTableTest {
  @Test
  void markdownShowsMeanAndSampleSd() {
    ResultTable t = new ResultTable("t", List.of("a", "b"), 2);
    t.put("x", "a", 0, 1);
    t.put("x", "a", 1, 3);
    t.put("x", "b", 0, 0.5);
    t.put("y, z", "a", 0, 2);
    assertEquals(2.0, t.mean("x", "a"));
    assertEquals(Math.sqrt(2), t.sd("x", "a"), 1e-12);
    assertEquals(
        "| loss | a | b |\n|---|---|---|\n| x | 2.00 ± 1.41 | 0.50 |\n| y, z | 2.00 | - |\n",
        t.markdown());
    assertEquals(
        "loss,metric,rep,value\nx,a,0,1.00000\nx,a,1,3.00000\nx,b,0,0.500000\n\"y, z\",a,0,2.00000\n",
        t.csv());
    assertThrows(IllegalArgumentException.class, () -> t.put("x", "c", 0, 1));
  }
}
