/**
 * Validation users (the training history and held-out liked movies of each
 * user of a split) and their mean NDCG@10: what every tuning step maximises.
 */
import { LIKED_RATING } from "../models/item_item_model.ts";
import { ndcgAtK } from "../metrics.ts";
import type { Recommender } from "../recommender.ts";
import { seededRandom, shuffleInPlace, type Split } from "./split.ts";
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
   * of the mean NDCG@10 around 0.003.
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
  split: Split,
  options: ValidationUsersOptions = {},
): ValidationUser[] {
  const relevant = new Map<string, Set<number>>();
  for (const r of split.test) {
    if ((r.value ?? 0) < LIKED_RATING) continue;
    let set = relevant.get(r.userId);
    if (!set) relevant.set(r.userId, set = new Set());
    set.add(r.movieId);
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
  const histories = new Map<string, Interaction[]>(
    chosen.map((user) => [user, []]),
  );
  for (const r of split.train) histories.get(r.userId)?.push(r);
  return chosen.map((user) => ({
    history: histories.get(user)!,
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
