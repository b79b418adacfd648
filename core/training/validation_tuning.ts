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
import type { ColumnSplit, Split } from "./split.ts";
import { type ValidationUser, validationUsersOf } from "./validation.ts";

/** Options of `tuneOnValidation`. */
export interface ValidationTuningOptions {
  lambdas: readonly number[];
  grid: HybridGrid;
  content: EmbeddingMatrix | null;
  minCount?: number;
  /** At most this many validation users, a seeded sample (default: all). */
  maxUsers?: number;
  progress?: TrainingProgress;
}

/** What tuning chose, with the parts and users it chose on. */
export interface ValidationTuning {
  lambda: number;
  params: HybridParams;
  /** Mean NDCG@10 of `params` on `users`. */
  ndcg: number;
  /** The parts trained on the split's training side (with `content`). */
  parts: HybridParts;
  users: ValidationUser[];
}

/**
 * Chooses λ, then the hybrid's weights (from `HYBRID_DEFAULTS`), on `split`.
 *
 * @example
 * ```ts
 * const { lambda, params } = tuneOnValidation(temporalSplit(ratings, { holdout: 5 }), {
 *   lambdas: [500], grid: DEFAULT_HYBRID_GRID, content,
 * });
 * ```
 */
export function tuneOnValidation(
  split: Split | ColumnSplit,
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
    start: HYBRID_DEFAULTS,
    users,
    grid: options.grid,
    progress,
  });
  return {
    lambda: choice.lambda,
    params: tuned.params,
    ndcg: tuned.ndcg,
    parts,
    users,
  };
}
