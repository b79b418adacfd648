/**
 * Seeded train/test splits of rating interactions for offline evaluation,
 * and the small seeded PRNG they (and the bootstrap) use. Pure: the same
 * input and seed always give the same split.
 *
 * Splits take interaction objects (tests, the evaluation) or columns (the
 * pipeline at scale, where 10M objects would not fit the memory target)
 * and give back the same kind; both go through one algorithm on row indices.
 */
import {
  asColumns,
  type InteractionColumns,
  isInteractionColumns,
  RowList,
  selectRows,
  TYPE_CODE,
} from "../models/interaction_columns.ts";
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

/** Fisher–Yates shuffle in place (arrays and typed arrays alike). */
export function shuffleInPlace<
  A extends { length: number; [i: number]: unknown },
>(
  items: A,
  random: Random,
): A {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}

/** Training interactions and the held-out ones (objects, or columns). */
export interface Split<T = Interaction[]> {
  train: T;
  test: T;
}

/** A split of interaction columns; both sides share the input's user indices. */
export type ColumnSplit = Split<InteractionColumns>;

/** Interaction objects or columns: what the splits take. */
export type SplitInput = Interaction[] | InteractionColumns;

/** A split as row indices into its input. */
interface RowSplit {
  train: Int32Array;
  test: Int32Array;
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
): Split;
export function randomSplit(
  interactions: InteractionColumns,
  options: RandomSplitOptions,
): ColumnSplit;
export function randomSplit(
  interactions: SplitInput,
  options: RandomSplitOptions,
): Split | ColumnSplit;
export function randomSplit(
  interactions: SplitInput,
  options: RandomSplitOptions,
): Split | ColumnSplit {
  const fraction = options.testFraction ?? 0.2;
  const minRatings = options.minRatings ?? 5;
  if (!(fraction > 0 && fraction < 1)) {
    throw new Error(`Expected testFraction in (0, 1), found ${fraction}`);
  }
  const random = seededRandom(options.seed);
  return splitOf(
    interactions,
    (columns) =>
      splitEachUser(columns, minRatings, (rows) => {
        // Sort first so the result does not depend on input order.
        rows.sort((a, b) => columns.movies[a] - columns.movies[b]);
        shuffleInPlace(rows, random);
        const held = Math.max(1, Math.round(rows.length * fraction));
        return { test: rows.subarray(0, held), train: rows.subarray(held) };
      }),
  );
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
  options?: TemporalSplitOptions,
): Split;
export function temporalSplit(
  interactions: InteractionColumns,
  options?: TemporalSplitOptions,
): ColumnSplit;
export function temporalSplit(
  interactions: SplitInput,
  options?: TemporalSplitOptions,
): Split | ColumnSplit;
export function temporalSplit(
  interactions: SplitInput,
  options: TemporalSplitOptions = {},
): Split | ColumnSplit {
  const holdout = options.holdout ?? 5;
  const minRatings = options.minRatings ?? holdout + 5;
  if (!(holdout >= 1) || minRatings <= holdout) {
    throw new Error(
      `Expected holdout ≥ 1 and minRatings > holdout, found holdout ${holdout}, minRatings ${minRatings}`,
    );
  }
  return splitOf(
    interactions,
    (columns) =>
      splitEachUser(columns, minRatings, (rows) => {
        sortByTime(columns, rows);
        return {
          train: rows.subarray(0, rows.length - holdout),
          test: rows.subarray(rows.length - holdout),
        };
      }),
  );
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
): Split;
export function newUserSplit(
  interactions: InteractionColumns,
  options: NewUserSplitOptions,
): ColumnSplit;
export function newUserSplit(
  interactions: SplitInput,
  options: NewUserSplitOptions,
): Split | ColumnSplit;
export function newUserSplit(
  interactions: SplitInput,
  options: NewUserSplitOptions,
): Split | ColumnSplit {
  const fraction = options.userFraction ?? 0.2;
  const keep = options.keep ?? 5;
  const minRatings = options.minRatings ?? 20;
  if (!(fraction > 0 && fraction <= 1) || !(keep >= 1) || minRatings <= keep) {
    throw new Error(
      `Expected userFraction in (0, 1], keep ≥ 1 and minRatings > keep, found ${fraction}, ${keep}, ${minRatings}`,
    );
  }
  return splitOf(interactions, (columns) => {
    const { rest, users } = ratingsByUser(columns);
    const train = new RowList();
    const test = new RowList();
    train.pushAll(rest);
    const eligible: Int32Array[] = [];
    for (const rows of users) {
      if (rows.length < minRatings) train.pushAll(rows);
      else eligible.push(rows);
    }
    // Sort first so the users picked do not depend on input order.
    const userId = (rows: Int32Array) =>
      columns.userIds[columns.users[rows[0]]];
    eligible.sort((a, b) => (userId(a) < userId(b) ? -1 : 1));
    shuffleInPlace(eligible, seededRandom(options.seed));
    const picked = Math.max(1, Math.round(eligible.length * fraction));
    eligible.forEach((rows, i) => {
      if (i >= picked) {
        train.pushAll(rows);
        return;
      }
      sortByTime(columns, rows);
      train.pushAll(rows.subarray(0, keep));
      test.pushAll(rows.subarray(keep));
    });
    return { train: train.toArray(), test: test.toArray() };
  });
}

/** Sorts a user's rows by time, ties by movie id. */
export function sortByTime(
  columns: InteractionColumns,
  rows: Int32Array,
): void {
  const { timestamps, movies } = columns;
  rows.sort((a, b) => timestamps[a] - timestamps[b] || movies[a] - movies[b]);
}

/**
 * Runs `split` on the input's columns and gives the sides back in the
 * input's kind: the input's own objects, or columns.
 */
function splitOf(
  input: SplitInput,
  split: (columns: InteractionColumns) => RowSplit,
): Split | ColumnSplit {
  const rows = split(asColumns(input));
  return {
    train: sideOf(input, rows.train),
    test: sideOf(input, rows.test),
  } as Split | ColumnSplit;
}

/** The rows `rows` of `input`, in the input's kind. */
export function sideOf(
  input: SplitInput,
  rows: Int32Array,
): Interaction[] | InteractionColumns {
  return isInteractionColumns(input)
    ? selectRows(input, rows)
    : Array.from(rows, (i) => input[i]);
}

/**
 * Splits each user's ratings with `splitUser` (users in first-seen order);
 * users with fewer than `minRatings` ratings, and every other interaction
 * type, stay in training.
 */
function splitEachUser(
  columns: InteractionColumns,
  minRatings: number,
  splitUser: (rows: Int32Array) => RowSplit,
): RowSplit {
  const { rest, users } = ratingsByUser(columns);
  const train = new RowList();
  const test = new RowList();
  train.pushAll(rest);
  for (const rows of users) {
    if (rows.length < minRatings) {
      train.pushAll(rows);
      continue;
    }
    const split = splitUser(rows);
    test.pushAll(split.test);
    train.pushAll(split.train);
  }
  return { train: train.toArray(), test: test.toArray() };
}

/**
 * The rows of other types (`rest`, in input order) and each user's rating
 * rows (users in the order of their first rating, rows in input order): a
 * counting sort, no object per row.
 */
export function ratingsByUser(
  columns: InteractionColumns,
): { rest: Int32Array; users: Int32Array[] } {
  const { size, types } = columns;
  const groupOf = new Int32Array(columns.userIds.length).fill(-1);
  const counts: number[] = [];
  const rest = new RowList();
  for (let i = 0; i < size; i++) {
    if (types[i] !== TYPE_CODE.rating) {
      rest.push(i);
      continue;
    }
    const u = columns.users[i];
    if (groupOf[u] < 0) {
      groupOf[u] = counts.length;
      counts.push(0);
    }
    counts[groupOf[u]]++;
  }
  const offsets = new Int32Array(counts.length + 1);
  counts.forEach((count, g) => offsets[g + 1] = offsets[g] + count);
  const rows = new Int32Array(offsets[counts.length]);
  const fill = offsets.slice(0, counts.length);
  for (let i = 0; i < size; i++) {
    if (types[i] === TYPE_CODE.rating) {
      rows[fill[groupOf[columns.users[i]]]++] = i;
    }
  }
  return {
    rest: rest.toArray(),
    users: counts.map((_, g) => rows.subarray(offsets[g], offsets[g + 1])),
  };
}
