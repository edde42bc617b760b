package dev.losskit;

import java.util.Locale;

/**
 * The applications the review organises its loss tables by, so that a reader can find the losses of
 * a task. A loss serves every task it is tagged with in its {@link LossSpec}.
 */
public enum Task {
  CLASSIFICATION("Classification"),
  REGRESSION("Regression"),
  DETECTION("Object detection"),
  TRACKING("Object tracking"),
  ACTION_RECOGNITION("Action recognition"),
  SEGMENTATION("Segmentation"),
  IMAGE_TO_IMAGE("Image-to-image"),
  TEXT_TO_IMAGE("Text-to-image"),
  AUDIO_TO_IMAGE("Audio-to-image"),
  INPAINTING("Inpainting"),
  DEHAZING("Dehazing"),
  TABULAR("Tabular data"),
  TIME_SERIES("Time series"),
  REPRESENTATION("Representation and metric learning");

  private final String title;

  Task(String title) {
    this.title = title;
  }

  /** The heading the review and the report use, e.g. "Image-to-image". */
  public String title() {
    return title;
  }

  /** The lowercase, kebab-case name used by the CLI and JSON ({@code time-series}). */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The task named {@code s} (its id, case-insensitive).
   *
   * @throws IllegalArgumentException naming the expected ids and what was found
   */
  public static Task parse(String s) {
    for (Task t : values()) {
      if (t.id().equals(s.toLowerCase(Locale.ROOT))) {
        return t;
      }
    }
    StringBuilder all = new StringBuilder();
    for (Task t : values()) {
      all.append(all.length() == 0 ? "" : ", ").append(t.id());
    }
    throw new IllegalArgumentException("task: expected one of " + all + ", found '" + s + "'");
  }
}
