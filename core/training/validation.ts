/**
 * Validation users (the training history and held-out liked movies of each
 * user of a split) and their mean NDCG@10: what every tuning step maximises.
 */
import { LIKED_RATING } from "../models/item_item_model.ts";
import { ndcgAtK } from "../metrics.ts";
import type { Recommender } from "../recommender.ts";
import type { Split } from "./split.ts";
import type { Interaction } from "../types.ts";

/** One validation user: the training history and the held-out relevant movies. */
export interface ValidationUser {
  history: Interaction[];
  relevant: ReadonlySet<number>;
}

/**
 * One validation user per held-out user with at least one liked movie
 * (rated `LIKED_RATING` or more): their training history and those movies.
 */
export function validationUsersOf(split: Split): ValidationUser[] {
  const histories = new Map<string, Interaction[]>();
  for (const r of split.train) {
    let list = histories.get(r.userId);
    if (!list) histories.set(r.userId, list = []);
    list.push(r);
  }
  const relevant = new Map<string, Set<number>>();
  for (const r of split.test) {
    if ((r.value ?? 0) < LIKED_RATING) continue;
    let set = relevant.get(r.userId);
    if (!set) relevant.set(r.userId, set = new Set());
    set.add(r.movieId);
  }
  return [...relevant].map(([user, rel]) => ({
    history: histories.get(user) ?? [],
    relevant: rel,
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
