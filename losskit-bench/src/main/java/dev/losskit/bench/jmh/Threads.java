package dev.losskit.bench.jmh;

/**
 * How many cores one loss call may use: {@code 1} keeps every call on the calling thread, {@code
 * all} lets the core split large inputs across every core.
 */
final class Threads {
  /** The setting before {@link #apply}, to restore. */
  record Setting(String value) {}

  static final String PROPERTY = "losskit.threads";

  private Threads() {}

  static Setting apply(String threads) {
    if (!threads.equals("1") && !threads.equals("all")) {
      throw new IllegalArgumentException("threads: expected 1 or all, found " + threads);
    }
    Setting previous = new Setting(System.getProperty(PROPERTY));
    System.setProperty(
        PROPERTY,
        threads.equals("1") ? "1" : Integer.toString(Runtime.getRuntime().availableProcessors()));
    return previous;
  }

  static void restore(Setting s) {
    if (s.value() == null) {
      System.clearProperty(PROPERTY);
    } else {
      System.setProperty(PROPERTY, s.value());
    }
  }
}
