/**
 * The validation split the served hybrid is tuned on: two tasks over the
 * same users, the next movies and movies from any time (`nextAndAnySplit`).
 */
import {
  asColumns,
  type InteractionColumns,
  RowList,
} from "../models/interaction_columns.ts";
import type { Interaction } from "../types.ts";
import {
  ratingsByUser,
  seededRandom,
  shuffleInPlace,
  sideOf,
  sortByTime,
  type SplitInput,
} from "./split.ts";

/** Training interactions and one held-out side per validation task. */
export interface TaskSplit<T = Interaction[]> {
  train: T;
  /** Held-out interactions of each task, in the order the tasks were named. */
  tasks: T[];
}

/** Options of `nextAndAnySplit`. */
export interface NextAndAnySplitOptions {
  /** How many of each user's latest ratings the "next" task holds out (default 5). */
  holdout?: number;
  /** Fraction of each user's earlier ratings the "any time" task holds out (default 0.2). */
  anyFraction?: number;
  /** Users with fewer ratings keep them all in training (default holdout + 5). */
  minRatings?: number;
  seed: number;
}

/**
 * Two validation tasks over the same users, for tuning what is served:
 * "next" holds out each user's `holdout` latest ratings (what they watch
 * next, as `temporalSplit`) and "any time" a seeded random `anyFraction`
 * of their earlier ratings (what they like in general, as `randomSplit`).
 * Each user's remaining history serves both, so a tuning trial ranks once
 * per user and scores the ranking on both tasks.
 *
 * @example
 * ```ts
 * const { train, tasks: [next, anyTime] } = nextAndAnySplit(ratings, { seed: 1 });
 * ```
 */
export function nextAndAnySplit(
  interactions: Interaction[],
  options: NextAndAnySplitOptions,
): TaskSplit;
export function nextAndAnySplit(
  interactions: InteractionColumns,
  options: NextAndAnySplitOptions,
): TaskSplit<InteractionColumns>;
export function nextAndAnySplit(
  interactions: SplitInput,
  options: NextAndAnySplitOptions,
): TaskSplit | TaskSplit<InteractionColumns>;
export function nextAndAnySplit(
  interactions: SplitInput,
  options: NextAndAnySplitOptions,
): TaskSplit | TaskSplit<InteractionColumns> {
  const holdout = options.holdout ?? 5;
  const fraction = options.anyFraction ?? 0.2;
  const minRatings = options.minRatings ?? holdout + 5;
  if (!(holdout >= 1) || minRatings <= holdout) {
    throw new Error(
      `Expected holdout ≥ 1 and minRatings > holdout, found holdout ${holdout}, minRatings ${minRatings}`,
    );
  }
  if (!(fraction > 0 && fraction < 1)) {
    throw new Error(`Expected anyFraction in (0, 1), found ${fraction}`);
  }
  const random = seededRandom(options.seed);
  const columns = asColumns(interactions);
  const { rest, users } = ratingsByUser(columns);
  const train = new RowList();
  const next = new RowList();
  const anyTime = new RowList();
  train.pushAll(rest);
  for (const rows of users) {
    if (rows.length < minRatings) {
      train.pushAll(rows);
      continue;
    }
    sortByTime(columns, rows);
    next.pushAll(rows.subarray(rows.length - holdout));
    const earlier = rows.slice(0, rows.length - holdout);
    // by movie id first, so the draw does not depend on input order
    earlier.sort((a, b) => columns.movies[a] - columns.movies[b]);
    shuffleInPlace(earlier, random);
    const held = Math.max(1, Math.round(earlier.length * fraction));
    anyTime.pushAll(earlier.subarray(0, held));
    // the history stays in time order, as the user gave it
    const kept = earlier.slice(held);
    sortByTime(columns, kept);
    train.pushAll(kept);
  }
  const side = (rows: Int32Array) => sideOf(interactions, rows);
  return {
    train: side(train.toArray()),
    tasks: [side(next.toArray()), side(anyTime.toArray())],
  } as TaskSplit | TaskSplit<InteractionColumns>;
}
