/**
 * "Haven't seen it": the answer to an onboarding question about a movie the
 * user never watched. A skip is no taste signal: no model learns from it, no
 * statistic counts it, and the movie stays a candidate for recommendations
 * (the user has not seen it). It only tells the onboarding not to ask about
 * that movie again.
 */
import type { Interaction } from "./types.ts";

/** Whether an interaction is a skip ("haven't seen it"). */
export function isSkip(interaction: Pick<Interaction, "type">): boolean {
  return interaction.type === "skip";
}

/**
 * The movies a recommender must not return: every movie in the history but
 * the ones the user only skipped.
 *
 * @example
 * ```ts
 * seenMovies([{ userId: "u", movieId: 1, type: "skip", value: null, timestamp: 0 }]);
 * // Set(0) {}
 * ```
 */
export function seenMovies(history: Iterable<Interaction>): Set<number> {
  const seen = new Set<number>();
  for (const i of history) if (!isSkip(i)) seen.add(i.movieId);
  return seen;
}
