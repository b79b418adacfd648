/** Popularity with a Bayesian average, for cold start and "popular" lists. */
import type { MovieStats } from "./types.ts";

/** Ratings a movie needs before its own mean outweighs the global mean. */
export const DEFAULT_PRIOR_COUNT = 10;

/**
 * Bayesian average: the movie's mean shrunk towards `globalMean` as if it had
 * `priorCount` extra ratings at the global mean, so that one 5-star rating
 * does not top the charts.
 *
 * @example
 * bayesianAverage({ sum: 5, count: 1 }, { globalMean: 3.5, priorCount: 10 }); // (5 + 35) / 11 ≈ 3.64
 */
export function bayesianAverage(
  ratings: { sum: number; count: number },
  options: { globalMean: number; priorCount?: number },
): number {
  const { globalMean, priorCount = DEFAULT_PRIOR_COUNT } = options;
  return (ratings.sum + priorCount * globalMean) / (ratings.count + priorCount);
}

/** Index in a half-star histogram: 0.5 → 0, 5 → 9. */
export function histogramBin(rating: number): number {
  return Math.min(9, Math.max(0, Math.round(rating * 2) - 1));
}

/**
 * Rating statistics for every movie in `movieIds` from parallel arrays of
 * rated movie ids and ratings. Unrated movies get count 0, mean 0 and the
 * global mean as Bayesian score.
 */
export function movieStats(
  movieIds: Iterable<number>,
  options: {
    /** The movie of each rating. */
    ratedMovieIds: ArrayLike<number>;
    /** The rating values, parallel to `ratedMovieIds`. */
    ratings: ArrayLike<number>;
    priorCount?: number;
  },
): MovieStats[] {
  const { ratedMovieIds, ratings, priorCount = DEFAULT_PRIOR_COUNT } = options;
  const sums = new Map<
    number,
    { sum: number; count: number; hist: number[] }
  >();
  let total = 0;
  for (let i = 0; i < ratings.length; i++) {
    const id = ratedMovieIds[i];
    const value = ratings[i];
    total += value;
    let entry = sums.get(id);
    if (!entry) {
      entry = { sum: 0, count: 0, hist: new Array(10).fill(0) };
      sums.set(id, entry);
    }
    entry.sum += value;
    entry.count++;
    entry.hist[histogramBin(value)]++;
  }
  const globalMean = ratings.length ? total / ratings.length : 0;
  const out: MovieStats[] = [];
  for (const movieId of movieIds) {
    const entry = sums.get(movieId);
    out.push({
      movieId,
      ratingCount: entry?.count ?? 0,
      ratingMean: entry ? entry.sum / entry.count : 0,
      bayesianScore: bayesianAverage({
        sum: entry?.sum ?? 0,
        count: entry?.count ?? 0,
      }, { globalMean, priorCount }),
      ratingHistogram: entry?.hist ?? new Array(10).fill(0),
    });
  }
  return out;
}
