/**
 * Hybrid settings for people who just signed up, tuned on simulated new
 * users: a seeded fifth of the users with at least 20 ratings keep their
 * first 5 (`newUserSplit`) and the weights are tuned on their other liked
 * movies.
 */
import type { Interaction } from "../types.ts";
import type { InteractionColumns } from "../models/interaction_columns.ts";
import {
  type HybridParams,
  HybridRecommender,
} from "../recommenders/hybrid.ts";
import { trainHybridParts } from "./hybrid_parts.ts";
import { type HeldOutTuningOptions, tuneHybrid } from "./hybrid_tune.ts";
import { newUserSplit } from "./split.ts";
import { meanNdcg, validationUsersOf } from "./validation.ts";

/** Options of `tuneShortHistory`. */
export interface ShortHistoryOptions extends HeldOutTuningOptions {
  /** The settings long histories get; tuning starts from them. */
  long: HybridParams;
}

/** Short-history settings and how both settings did on the new users. */
export interface ShortHistoryTuning {
  params: HybridParams;
  /** Validation NDCG@10 of `params` on the simulated new users. */
  validationNdcg: number;
  /** The long-history settings on the same users, for comparison. */
  longValidationNdcg: number;
  users: number;
}

/**
 * Tunes settings for short histories from `ratings`. Null when no user has
 * enough ratings to play a new user.
 *
 * @example
 * ```ts
 * const short = tuneShortHistory(ratings, { long, lambda: 500, content, grid, seed: 1 });
 * ```
 */
export function tuneShortHistory(
  ratings: Interaction[] | InteractionColumns,
  options: ShortHistoryOptions,
): ShortHistoryTuning | null {
  const split = newUserSplit(ratings, { seed: options.seed, keep: 5 });
  const users = validationUsersOf(split, {
    maxUsers: options.maxUsers,
    seed: options.seed,
  });
  if (users.length === 0) return null;
  const parts = {
    ...trainHybridParts(split.train, options),
    content: options.content,
  };
  const tuned = tuneHybrid(parts, {
    start: options.long,
    users,
    grid: options.grid,
    progress: options.progress,
    label: "tune short histories",
  });
  return {
    params: tuned.params,
    validationNdcg: tuned.ndcg,
    longValidationNdcg: meanNdcg(
      new HybridRecommender(parts, options.long),
      users,
    ),
    users: users.length,
  };
}
