/**
 * How many movies each synthetic user rates: at least `minimum` (MovieLens
 * keeps users with ≥ 20 ratings), plus a log-normal share of the rest, so
 * that most users rate a few dozen movies and a few rate thousands, adding
 * up to exactly the number of ratings asked for.
 */
import type { Random } from "../../core/training/split.ts";
import { logNormal } from "./sampling.ts";

/** Options of `userActivity`. */
export interface ActivityOptions {
  /** Ratings every user has at least (default 20). */
  minimum?: number;
  /** Most ratings one user may have (default: 60% of the movies, as ml-25m's busiest user has 52%). */
  maximum?: number;
  /** σ of the log-normal (default 1.4: ml-latest-small's median user has 71 ratings, the mean 165). */
  sigma?: number;
}

/**
 * Ratings per user, summing to exactly `ratings`. Throws when that is
 * impossible: fewer than `minimum` per user, or more than `maximum` each.
 *
 * @example
 * ```ts
 * const counts = userActivity(100_000, 610, 9742, seededRandom(1));
 * ```
 */
export function userActivity(
  ratings: number,
  users: number,
  movies: number,
  random: Random,
  options: ActivityOptions = {},
): Int32Array {
  const minimum = options.minimum ?? 20;
  const maximum = options.maximum ??
    Math.max(minimum, Math.floor(movies * 0.6));
  const sigma = options.sigma ?? 1.4;
  if (movies < minimum) {
    throw new RangeError(
      `Cannot give every user ${minimum} distinct movies: expected at least ${minimum} movies, found ${movies}`,
    );
  }
  if (ratings < users * minimum) {
    throw new RangeError(
      `Cannot give ${users} users ${minimum} ratings each: expected at least ${
        users * minimum
      } ratings, found ${ratings}`,
    );
  }
  if (ratings > users * maximum) {
    throw new RangeError(
      `Cannot place ${ratings} ratings: ${users} users rate at most ${maximum} of the ${movies} movies each (${
        users * maximum
      } in all)`,
    );
  }
  const weights = new Float64Array(users);
  for (let u = 0; u < users; u++) weights[u] = logNormal(random, 0, sigma);
  // Users below the minimum are raised to it, as MovieLens drops users with
  // fewer ratings: find the scale at which the clamped counts add up.
  const clampedTotal = (scale: number) => {
    let total = 0;
    for (const w of weights) {
      total += Math.min(maximum, Math.max(minimum, Math.round(scale * w)));
    }
    return total;
  };
  let low = 0, high = 1;
  while (clampedTotal(high) < ratings) high *= 2;
  for (let step = 0; step < 60; step++) {
    const mid = (low + high) / 2;
    if (clampedTotal(mid) < ratings) low = mid;
    else high = mid;
  }
  const counts = Int32Array.from(
    weights,
    (w) => Math.min(maximum, Math.max(minimum, Math.round(high * w))),
  );
  // Rounding leaves a few over or under: settle them on the heaviest users.
  let left = ratings - counts.reduce((sum, c) => sum + c, 0);
  const order = [...Array(users).keys()].sort((a, b) =>
    weights[b] - weights[a]
  );
  while (left !== 0) {
    for (const u of order) {
      if (left > 0 && counts[u] < maximum) {
        counts[u]++;
        left--;
      } else if (left < 0 && counts[u] > minimum) {
        counts[u]--;
        left++;
      }
      if (left === 0) break;
    }
  }
  return counts;
}
