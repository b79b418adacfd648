/**
 * Tuning on a validation split: EASE's λ first, then the hybrid's weights on
 * parts trained with it. The served models and the evaluation's research
 * re-tuning both go through here.
 */
import { HYBRID_DEFAULTS } from "../recommenders/hybrid.ts";
import type { HybridParams, HybridParts } from "../recommenders/hybrid.ts";
import type { EmbeddingMatrix } from "../types.ts";
import { trainHybridParts } from "./hybrid_parts.ts";
import { type HybridGrid, tuneHybrid } from "./hybrid_tune.ts";
import { chooseLambda } from "./lambda.ts";
import { silentTraining, type TrainingProgress } from "./progress.ts";
import {
  type ValidationSplit,
  type ValidationUser,
  validationUsersOf,
} from "./validation.ts";

/** Options of `tuneOnValidation`. */
export interface ValidationTuningOptions {
  lambdas: readonly number[];
  grid: HybridGrid;
  content: EmbeddingMatrix | null;
  minCount?: number;
  /** At most this many validation users, a seeded sample (default: all). */
  maxUsers?: number;
  /** Weight of each task of a `TaskSplit` in the objective (default: equal). */
  taskWeights?: readonly number[];
  progress?: TrainingProgress;
}

/** What tuning chose, with the parts and users it chose on. */
export interface ValidationTuning {
  lambda: number;
  params: HybridParams;
  /** Mean NDCG@10 of `params` on `users` (over several tasks, the geometric mean of theirs). */
  ndcg: number;
  /** Mean NDCG@10 of `params` per task (one entry for a `Split`). */
  taskNdcg: number[];
  /** The parts trained on the split's training side (with `content`). */
  parts: HybridParts;
  users: ValidationUser[];
}

/**
 * Chooses λ, then the hybrid's weights (from `HYBRID_DEFAULTS`), on `split`
 * (a `TaskSplit`: on the geometric mean of its tasks' NDCG).
 *
 * @example
 * ```ts
 * const { lambda, params } = tuneOnValidation(temporalSplit(ratings, { holdout: 5 }), {
 *   lambdas: [500], grid: DEFAULT_HYBRID_GRID, content,
 * });
 * ```
 */
export function tuneOnValidation(
  split: ValidationSplit,
  options: ValidationTuningOptions,
): ValidationTuning {
  const { minCount, content } = options;
  const progress = options.progress ?? silentTraining;
  const users = validationUsersOf(split, { maxUsers: options.maxUsers });
  const choice = chooseLambda(split.train, {
    lambdas: options.lambdas,
    users,
    minCount,
    progress,
  });
  const parts = {
    ...trainHybridParts(split.train, {
      lambda: choice.lambda,
      minCount,
      ease: choice.model,
      progress,
    }),
    content,
  };
  const tuned = tuneHybrid(parts, {
    taskWeights: options.taskWeights,
    start: HYBRID_DEFAULTS,
    users,
    grid: options.grid,
    progress,
  });
  return {
    lambda: choice.lambda,
    params: tuned.params,
    ndcg: tuned.ndcg,
    taskNdcg: tuned.taskNdcg,
    parts,
    users,
  };
}
