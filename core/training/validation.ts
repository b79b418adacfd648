/**
 * Validation users and the short-history settings, shared by the pipeline
 * (which tunes what the API serves) and the evaluation (which measures it).
 */
import { trainEase } from "../models/ease.ts";
import {
  type HybridParams,
  type HybridParts,
  HybridRecommender,
} from "../recommenders/hybrid.ts";
import {
  type HybridGrid,
  tuneHybrid,
  type ValidationUser,
} from "./hybrid_tune.ts";
import { buildInteractionMatrix } from "../models/interaction_matrix.ts";
import { LIKED_RATING } from "../models/item_item_model.ts";
import { trainItemKnn } from "../models/item_knn.ts";
import { ndcgAtK } from "../metrics.ts";
import { trainSequence } from "../models/sequence.ts";
import { newUserSplit, type Split } from "./split.ts";
import { RatingTimeline } from "../models/timeline.ts";
import type { EmbeddingMatrix, Interaction } from "../types.ts";

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
 * The hybrid's collaborative models trained on `train`, with `content` for
 * movies nobody rated: what a validation split tunes the weights against.
 */
export function trainHybridParts(
  train: Interaction[],
  options: {
    lambda: number;
    minCount?: number;
    content: EmbeddingMatrix | null;
  },
): HybridParts {
  const { lambda, minCount } = options;
  const matrix = buildInteractionMatrix(train);
  return {
    ease: trainEase(matrix, { lambda, minCount }),
    liked: trainEase(
      buildInteractionMatrix(train, { minRating: LIKED_RATING }),
      { lambda, minCount },
    ),
    itemknn: trainItemKnn(matrix),
    sequence: trainSequence(train),
    content: options.content,
    timeline: RatingTimeline.fromInteractions(train),
  };
}

/** Mean NDCG@10 of a hybrid over validation users. */
function meanNdcg(hybrid: HybridRecommender, users: ValidationUser[]): number {
  let sum = 0;
  for (const u of users) {
    const ranked = hybrid.recommend(u.history, { limit: 10 })
      .map((r) => r.movieId);
    sum += ndcgAtK(ranked, u.relevant, 10);
  }
  return users.length ? sum / users.length : 0;
}

/** Options of `tuneShortHistory`. */
export interface ShortHistoryOptions {
  /** The settings long histories get; tuning starts from them. */
  long: HybridParams;
  lambda: number;
  minCount?: number;
  content: EmbeddingMatrix | null;
  grid: HybridGrid;
  seed: number;
  onTrial?: () => void;
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
 * Hybrid settings for people who just signed up: a seeded fifth of the
 * users with at least 20 ratings keep their first 5 (`newUserSplit`), the
 * models are trained on that, and the weights are tuned on those users'
 * other liked movies. Null when no user has enough ratings to play one.
 *
 * @example
 * ```ts
 * const short = tuneShortHistory(ratings, { long, lambda: 500, content, grid, seed: 1 });
 * ```
 */
export function tuneShortHistory(
  ratings: Interaction[],
  options: ShortHistoryOptions,
): ShortHistoryTuning | null {
  const split = newUserSplit(ratings, { seed: options.seed, keep: 5 });
  const users = validationUsersOf(split);
  if (users.length === 0) return null;
  const parts = trainHybridParts(split.train, options);
  // The learned blend is fitted on long histories; new users get the formula.
  const { learned: _learned, ...start } = options.long;
  const tuned = tuneHybrid(parts, start, users, {
    grid: options.grid,
    onTrial: options.onTrial,
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
