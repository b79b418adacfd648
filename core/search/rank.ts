/**
 * One ranking for search: how close a movie's embedding is to the query's
 * (relative to the closest match), lifted by popularity so that obscure
 * near-duplicates do not flood the top, plus a title match, and more for
 * the whole title, so that typing a title still finds it first.
 */

/** How the parts of a search score are weighed. */
export interface SearchWeights {
  /** Times the title match score (0.5–1 when every query word is in the title: `titleMatchStrength`). */
  title: number;
  /** Added when the query is the whole title, so that it comes first. */
  exactTitle: number;
  /** Multiplies the description part by (1 + popularity × this). */
  popularity: number;
}

/** The weights the API ranks with (docs/EVALUATION.md measures them). */
export const DEFAULT_SEARCH_WEIGHTS: SearchWeights = {
  title: 1,
  exactTitle: 1,
  popularity: 1,
};

/** One candidate's signals, each in [0, 1]. */
export interface SearchSignals {
  movieId: number;
  /** Cosine similarity to the query over the best candidate's (0 when unrelated). */
  description: number;
  /** `titleMatchScore`. */
  title: number;
  /** `popularityScore`. */
  popularity: number;
}

/** A ranked candidate, with the parts that made its score. */
export interface RankedMovie extends SearchSignals {
  score: number;
}

/**
 * Popularity in [0, 1] from the number of ratings, on a log scale so that
 * the hundredth-most-rated movie is not a tenth of the first.
 *
 * @example
 * popularityScore(329, 329); // 1
 * popularityScore(0, 329); // 0
 */
export function popularityScore(ratingCount: number, maxCount: number): number {
  if (maxCount <= 0 || ratingCount <= 0) return 0;
  return Math.min(1, Math.log1p(ratingCount) / Math.log1p(maxCount));
}

/**
 * Scores and orders candidates, best first (ties by movie id).
 *
 * @example
 * rankSearch([{ movieId: 1, description: 1, title: 0, popularity: 0.9 }]);
 */
export function rankSearch(
  candidates: readonly SearchSignals[],
  weights: SearchWeights = DEFAULT_SEARCH_WEIGHTS,
): RankedMovie[] {
  return candidates
    .map((c) => ({
      ...c,
      score: c.description * (1 + weights.popularity * c.popularity) +
        weights.title * c.title + (c.title === 1 ? weights.exactTitle : 0),
    }))
    .sort((a, b) => b.score - a.score || a.movieId - b.movieId);
}
