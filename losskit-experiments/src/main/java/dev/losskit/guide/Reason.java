package dev.losskit.guide;

/**
 * One reason for (positive weight) or against (negative weight) a loss.
 *
 * @param weight how much it moves the loss up or down the ranking
 * @param text the reason, in one sentence
 * @param source where it comes from: {@code review} for the review's guidance, or the command of
 *     the experiment whose measurement it quotes
 */
public record Reason(int weight, String text, String source) {}
