package dev.losskit.guide;

import dev.losskit.Task;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The task and what is known about the data: the question the guide answers.
 *
 * @param task what the model does
 * @param conditions what else is known (may be empty)
 */
public record Situation(Task task, Set<Condition> conditions) {
  public Situation {
    Objects.requireNonNull(task, "task");
    conditions =
        conditions.isEmpty()
            ? Collections.unmodifiableSet(EnumSet.noneOf(Condition.class))
            : Collections.unmodifiableSet(EnumSet.copyOf(conditions));
    if (conditions.contains(Condition.MILD_IMBALANCE)
        && conditions.contains(Condition.SEVERE_IMBALANCE)) {
      throw new IllegalArgumentException(
          "conditions: expected at most one of mild-imbalance and severe-imbalance, found both");
    }
    if (conditions.contains(Condition.REALISM) && conditions.contains(Condition.FIDELITY)) {
      throw new IllegalArgumentException(
          "conditions: expected at most one of realism and fidelity, found both");
    }
  }

  /** The situation of {@code task} with the given conditions. */
  public static Situation of(Task task, Condition... conditions) {
    Set<Condition> set = EnumSet.noneOf(Condition.class);
    Collections.addAll(set, conditions);
    return new Situation(task, set);
  }

  /** Whether every one of {@code required} holds. */
  public boolean hasAll(Set<Condition> required) {
    return conditions.containsAll(required);
  }
}
