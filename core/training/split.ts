/**
 * Seeded train/test splits of rating interactions for offline evaluation,
 * and the small seeded PRNG they (and the bootstrap) use. Pure: the same
 * input and seed always give the same split.
 */
import type { Interaction } from "../types.ts";

/** A uniform PRNG on [0, 1). */
export type Random = () => number;

/**
 * Mulberry32: a tiny, fast, seedable PRNG (32-bit state). Good enough for
 * shuffling and bootstrap resampling; not for cryptography.
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * random(); // same value on every run
 * ```
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle in place. */
export function shuffleInPlace<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}

/** Training interactions and the held-out ones. */
export interface Split {
  train: Interaction[];
  test: Interaction[];
}

/** Options of `randomSplit`. */
export interface RandomSplitOptions {
  /** Fraction of each eligible user's ratings held out (default 0.2). */
  testFraction?: number;
  /** Users with fewer ratings keep them all in training (default 5). */
  minRatings?: number;
  seed: number;
}

/**
 * Per user with at least `minRatings` ratings, holds out
 * `round(testFraction × count)` ratings chosen at random (at least one);
 * everything else, including other interaction types, is training.
 *
 * @example
 * ```ts
 * const { train, test } = randomSplit(ratings, { seed: 7 });
 * ```
 */
export function randomSplit(
  interactions: Interaction[],
  options: RandomSplitOptions,
): Split {
  const fraction = options.testFraction ?? 0.2;
  const minRatings = options.minRatings ?? 5;
  if (!(fraction > 0 && fraction < 1)) {
    throw new Error(`Expected testFraction in (0, 1), found ${fraction}`);
  }
  const random = seededRandom(options.seed);
  return splitEachUser(interactions, minRatings, (rows) => {
    // Sort first so the result does not depend on input order.
    rows.sort((a, b) => a.movieId - b.movieId);
    shuffleInPlace(rows, random);
    const held = Math.max(1, Math.round(rows.length * fraction));
    return { test: rows.slice(0, held), train: rows.slice(held) };
  });
}

/** Options of `temporalSplit`. */
export interface TemporalSplitOptions {
  /** How many of each user's latest ratings are held out (default 5). */
  holdout?: number;
  /** Users with fewer ratings keep them all in training (default holdout + 5). */
  minRatings?: number;
}

/**
 * Per user with at least `minRatings` ratings, holds out the `holdout`
 * latest ratings (ties in time broken by movie id), so that the model
 * predicts what each user rated next.
 *
 * @example
 * ```ts
 * const { train, test } = temporalSplit(ratings, { holdout: 5 });
 * ```
 */
export function temporalSplit(
  interactions: Interaction[],
  options: TemporalSplitOptions = {},
): Split {
  const holdout = options.holdout ?? 5;
  const minRatings = options.minRatings ?? holdout + 5;
  if (!(holdout >= 1) || minRatings <= holdout) {
    throw new Error(
      `Expected holdout ≥ 1 and minRatings > holdout, found holdout ${holdout}, minRatings ${minRatings}`,
    );
  }
  return splitEachUser(interactions, minRatings, (rows) => {
    rows.sort((a, b) => a.timestamp - b.timestamp || a.movieId - b.movieId);
    return {
      train: rows.slice(0, rows.length - holdout),
      test: rows.slice(rows.length - holdout),
    };
  });
}

/** Options of `newUserSplit`. */
export interface NewUserSplitOptions {
  /** Share of the eligible users who play new users (default 0.2). */
  userFraction?: number;
  /** Ratings a new user keeps, their first in time (default 5). */
  keep?: number;
  /** Users with fewer ratings are never picked (default 20). */
  minRatings?: number;
  seed: number;
}

/**
 * Simulates users who just signed up: a seeded `userFraction` of the users
 * with at least `minRatings` ratings keep only their first `keep` ratings
 * (ties in time broken by movie id) in training, and the rest of their
 * ratings are held out. Everyone else's ratings are training, so the
 * collaborative models are as strong as they will be, and the history is
 * what a real new user gives: a handful of movies.
 *
 * @example
 * ```ts
 * const { train, test } = newUserSplit(ratings, { seed: 7, keep: 5 });
 * ```
 */
export function newUserSplit(
  interactions: Interaction[],
  options: NewUserSplitOptions,
): Split {
  const fraction = options.userFraction ?? 0.2;
  const keep = options.keep ?? 5;
  const minRatings = options.minRatings ?? 20;
  if (!(fraction > 0 && fraction <= 1) || !(keep >= 1) || minRatings <= keep) {
    throw new Error(
      `Expected userFraction in (0, 1], keep ≥ 1 and minRatings > keep, found ${fraction}, ${keep}, ${minRatings}`,
    );
  }
  const train: Interaction[] = [];
  const test: Interaction[] = [];
  const eligible: Interaction[][] = [];
  for (const rows of ratingsByUser(interactions, train)) {
    if (rows.length < minRatings) train.push(...rows);
    else eligible.push(rows);
  }
  // Sort first so the users picked do not depend on input order.
  eligible.sort((a, b) => (a[0].userId < b[0].userId ? -1 : 1));
  shuffleInPlace(eligible, seededRandom(options.seed));
  const picked = Math.max(1, Math.round(eligible.length * fraction));
  eligible.forEach((rows, i) => {
    if (i >= picked) {
      train.push(...rows);
      return;
    }
    rows.sort((a, b) => a.timestamp - b.timestamp || a.movieId - b.movieId);
    train.push(...rows.slice(0, keep));
    test.push(...rows.slice(keep));
  });
  return { train, test };
}

/**
 * Splits each user's ratings with `splitUser` (users in first-seen order);
 * users with fewer than `minRatings` ratings, and every other interaction
 * type, stay in training.
 */
function splitEachUser(
  interactions: Interaction[],
  minRatings: number,
  splitUser: (rows: Interaction[]) => Split,
): Split {
  const train: Interaction[] = [];
  const test: Interaction[] = [];
  for (const rows of ratingsByUser(interactions, train)) {
    if (rows.length < minRatings) {
      train.push(...rows);
      continue;
    }
    const split = splitUser(rows);
    test.push(...split.test);
    train.push(...split.train);
  }
  return { train, test };
}

/** Groups ratings by user (in first-seen order); other types go to `rest`. */
function ratingsByUser(
  interactions: Interaction[],
  rest: Interaction[],
): Interaction[][] {
  const byUser = new Map<string, Interaction[]>();
  for (const row of interactions) {
    if (row.type !== "rating") {
      rest.push(row);
      continue;
    }
    let rows = byUser.get(row.userId);
    if (!rows) byUser.set(row.userId, rows = []);
    rows.push(row);
  }
  return [...byUser.values()];
}
