package dev.losskit.guide;

import java.util.List;
import java.util.Map;

/**
 * A ranked loss with its reasons and how to use it.
 *
 * @param rank 1 for the best
 * @param id the catalogue id
 * @param name the display name
 * @param score the sum of the reasons' weights
 * @param params suggested parameter values, in the CLI's text form (others keep their defaults)
 * @param reasons why, best first
 * @param cli a command that evaluates the loss with these parameters
 * @param java a Java statement that creates the loss with these parameters
 */
public record Recommendation(
    int rank,
    String id,
    String name,
    int score,
    Map<String, String> params,
    List<Reason> reasons,
    String cli,
    String java) {}
