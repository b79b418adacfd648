/**
 * Interactions as the API lists them under /api/users/me/interactions, for
 * the tests of the pages built from them (my_movies_test.ts,
 * routes/my_ratings_test.ts).
 * @module
 */
import type { MyInteraction } from "./my_movies.ts";

/** What a user did to a movie, when, and the rating's value. */
export type Did = [
  type: MyInteraction["type"],
  timestamp: number,
  value?: number | null,
];

/** An interaction of user "u" with `movie` (value only for ratings). */
export function interactionWith(
  movie: { id: number; title: string; year: number },
  [type, timestamp, value = null]: Did,
): MyInteraction {
  return {
    userId: "u",
    movieId: movie.id,
    type,
    value,
    timestamp,
    movie: { ...movie, posterPath: null },
  };
}
