/**
 * Validation users (the training history and held-out liked movies of each
 * user of a split) and their mean NDCG@10: what every tuning step maximises.
 */
import { LIKED_RATING } from "../models/item_item_model.ts";
import { ndcgAtK } from "../metrics.ts";
import type { Recommender } from "../recommender.ts";
import {
  asColumns,
  interactionAt,
  TYPE_CODE,
} from "../models/interaction_columns.ts";
import {
  type ColumnSplit,
  seededRandom,
  shuffleInPlace,
  type Split,
} from "./split.ts";
import type { Interaction } from "../types.ts";

/** One validation user: the training history and the held-out relevant movies. */
export interface ValidationUser {
  history: Interaction[];
  relevant: ReadonlySet<number>;
}

/** Options of `validationUsersOf`. */
export interface ValidationUsersOptions {
  /**
   * At most this many users, a seeded sample (default: all). Every trial of
   * a tuning evaluates every validation user, so at ml-10m's 70k users a
   * sample of a few thousand keeps tuning to minutes, with a standard error
   * of the mean NDCG@10 around 0.005 over 2000 users (0.0035 over 5000).
   */
  maxUsers?: number;
  /** Seed of the sample (default 1). */
  seed?: number;
}

/**
 * One validation user per held-out user with at least one liked movie
 * (rated `LIKED_RATING` or more): their training history and those movies.
 */
export function validationUsersOf(
  split: Split | ColumnSplit,
  options: ValidationUsersOptions = {},
): ValidationUser[] {
  const test = asColumns(split.test);
  const relevant = new Map<string, Set<number>>();
  for (let i = 0; i < test.size; i++) {
    // other types and ratings without a value (NaN) are never relevant
    if (test.types[i] !== TYPE_CODE.rating) continue;
    if (!(test.values[i] >= LIKED_RATING)) continue;
    const userId = test.userIds[test.users[i]];
    let set = relevant.get(userId);
    if (!set) relevant.set(userId, set = new Set());
    set.add(test.movies[i]);
  }
  let chosen = [...relevant.keys()];
  const maxUsers = options.maxUsers ?? Infinity;
  if (chosen.length > maxUsers) {
    const sample = new Set(
      shuffleInPlace(chosen, seededRandom(options.seed ?? 1)).slice(
        0,
        maxUsers,
      ),
    );
    // keep first-seen order, as without a sample
    chosen = [...relevant.keys()].filter((user) => sample.has(user));
  }
  // Only the chosen users' histories become objects (what recommenders take).
  const slotOf = new Map(chosen.map((user, slot) => [user, slot]));
  const histories: Interaction[][] = chosen.map(() => []);
  const train = asColumns(split.train);
  const slots = Int32Array.from(train.userIds, (id) => slotOf.get(id) ?? -1);
  for (let i = 0; i < train.size; i++) {
    const slot = slots[train.users[i]];
    if (slot >= 0) histories[slot].push(interactionAt(train, i));
  }
  return chosen.map((user, slot) => ({
    history: histories[slot],
    relevant: relevant.get(user)!,
  }));
}

/**
 * Mean NDCG@10 of `recommender` over validation users (0 when there are none).
 *
 * @example
 * ```ts
 * meanNdcg(new ItemItemRecommender(ease), users); // e.g. 0.0630
 * ```
 */
export function meanNdcg(
  recommender: Recommender,
  users: ValidationUser[],
): number {
  let sum = 0;
  for (const u of users) {
    const ranked = recommender.recommend(u.history, { limit: 10 })
      .map((r) => r.movieId);
    sum += ndcgAtK(ranked, { relevant: u.relevant, k: 10 });
  }
  return users.length ? sum / users.length : 0;
}
