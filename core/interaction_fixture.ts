/**
 * Interactions for the tests of what reads a user's history
 * (models/item_item_model_test.ts, serving/vector_content_test.ts).
 * @module
 */
import type { Interaction } from "./types.ts";

/**
 * What user "u" did to `movieId`, at time `movieId`: an interaction type,
 * or a rating with its value.
 */
export function didTo(
  movieId: number,
  what: Exclude<Interaction["type"], "rating"> | { rating: number },
): Interaction {
  const rated = typeof what === "object";
  return {
    userId: "u",
    movieId,
    type: rated ? "rating" : what,
    value: rated ? what.rating : null,
    timestamp: movieId,
  };
}

/** A rating by `userId` of `movieId`: 4, at time 0, unless `options` say. */
export function rating(
  userId: string,
  movieId: number,
  options: { value?: number; timestamp?: number } = {},
): Interaction {
  const { value = 4, timestamp = 0 } = options;
  return { userId, movieId, type: "rating", value, timestamp };
}
