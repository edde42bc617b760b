package dev.losskit.guide;

import java.util.List;

/**
 * The guide's answer to one situation.
 *
 * @param situation the question
 * @param recommendations the losses worth using, best first
 * @param notes what the guide could not take into account (e.g. a condition it has no guidance on
 *     for this task)
 */
public record Ranking(
    Situation situation, List<Recommendation> recommendations, List<String> notes) {}
