/** EASE's λ chosen on a validation split: one procedure for pipeline and evaluation. */
import { trainEase } from "../models/ease.ts";
import { buildInteractionMatrix } from "../models/interaction_matrix.ts";
import {
  type ItemItemModel,
  ItemItemRecommender,
} from "../models/item_item_model.ts";
import type { Interaction } from "../types.ts";
import type { InteractionColumns } from "../models/interaction_columns.ts";
import { shareTask, type TrainingProgress } from "./progress.ts";
import { meanNdcg, type ValidationUser } from "./validation.ts";

/** Options of `chooseLambda`. */
export interface ChooseLambdaOptions {
  /** Candidate λ values, tried in order (ties keep the first). */
  lambdas: readonly number[];
  /** Validation users: histories from `train`, relevant movies held out. */
  users: ValidationUser[];
  minCount?: number;
  progress?: TrainingProgress;
}

/** The chosen λ and the EASE model trained with it. */
export interface LambdaChoice {
  lambda: number;
  ndcg: number;
  model: ItemItemModel;
}

/**
 * Trains plain EASE on `train` for each λ and keeps the one whose
 * recommendations score the best mean NDCG@10 on the validation users.
 *
 * @example
 * ```ts
 * const { lambda } = chooseLambda(split.train, { lambdas: [250, 500], users });
 * ```
 */
export function chooseLambda(
  train: Interaction[] | InteractionColumns,
  options: ChooseLambdaOptions,
): LambdaChoice {
  const { lambdas, users, minCount, progress } = options;
  if (lambdas.length === 0) {
    throw new Error("chooseLambda: expected at least one λ, found none");
  }
  const matrix = buildInteractionMatrix(train);
  let best: LambdaChoice | null = null;
  for (const lambda of lambdas) {
    const started = performance.now();
    const task = progress && shareTask(progress, `validation EASE λ=${lambda}`);
    const model = trainEase(matrix, {
      lambda,
      minCount,
      onProgress: task?.onProgress,
    });
    task?.done();
    const ndcg = meanNdcg(new ItemItemRecommender(model), users);
    progress?.log(
      `validation EASE λ=${lambda}: NDCG@10 ${
        ndcg.toFixed(4)
      } (${model.items.length} movies, ${
        Math.round(performance.now() - started)
      } ms)`,
    );
    if (!best || ndcg > best.ndcg) best = { lambda, ndcg, model };
  }
  return best!;
}
