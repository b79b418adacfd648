/**
 * The contract every recommendation method implements, so that the API, the
 * evaluation harness and the tests call one path.
 */
import type { Interaction } from "./types.ts";

/** Why a movie was recommended. */
export interface Explanation {
  /** "rated" / "liked": similar to movies the user rated or liked; "popular": cold start. */
  kind: "rated" | "liked" | "popular";
  /** Up to three movie ids from the user's history that contributed most. */
  because: number[];
}

export interface Recommendation {
  movieId: number;
  score: number;
  explanation: Explanation;
}

export interface RecommendOptions {
  limit: number;
  /** Movies never to return (besides what the user already interacted with). */
  exclude?: Set<number>;
  /** Only movies for which this returns true (e.g. a genre filter). */
  filter?: (movieId: number) => boolean;
  /**
   * Serving time in ms: the hybrid's time reference (default: the end of
   * its training data) and content's recency weighting (default: none).
   */
  now?: number;
}

/**
 * A recommendation method. `recommend` never returns a movie in the user's
 * history (but one the user only skipped: unseen, so still a candidate,
 * `seenMovies` in core/skips.ts) nor in `exclude`, returns at most `limit`
 * items, best first, and returns [] when it has nothing to say (callers
 * fall back to popularity).
 */
export interface Recommender {
  readonly name: string;
  recommend(
    history: Interaction[],
    options: RecommendOptions,
  ): Recommendation[];
}
