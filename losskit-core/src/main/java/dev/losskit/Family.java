package dev.losskit;

import java.util.Locale;

/** The catalogue's sections; each has its own package. */
public enum Family {
  REGRESSION("Regression"),
  CLASSIFICATION("Classification"),
  SEGMENTATION("Segmentation"),
  BOX("Boxes, detection and tracking"),
  METRIC("Metric learning and contrastive"),
  DIVERGENCE("Distributions and divergences"),
  IMAGE("Image quality and perceptual"),
  GENERATIVE("Generative models"),
  TIMESERIES("Time series and probabilistic forecasting"),
  TABULAR("Tabular and trees"),
  COMPOSE("Composition");

  private final String title;

  Family(String title) {
    this.title = title;
  }

  public String title() {
    return title;
  }

  /** The lowercase name used by the CLI ({@code --family regression}). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Family parse(String s) {
    for (Family f : values()) {
      if (f.id().equals(s.toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    StringBuilder all = new StringBuilder();
    for (Family f : values()) {
      all.append(all.length() == 0 ? "" : ", ").append(f.id());
    }
    throw new IllegalArgumentException("family: expected one of " + all + ", found '" + s + "'");
  }
}
