/**
 * The hybrid's collaborative parts trained on one set of interactions: the
 * one training procedure used for tuning splits and for the served models.
 */
import { trainEase } from "../models/ease.ts";
import { buildInteractionMatrix } from "../models/interaction_matrix.ts";
import { type ItemItemModel, LIKED_RATING } from "../models/item_item_model.ts";
import { trainItemKnn } from "../models/item_knn.ts";
import { trainSequence } from "../models/sequence.ts";
import { RatingTimeline } from "../models/timeline.ts";
import {
  type InteractionColumns,
  isInteractionColumns,
  RowList,
  selectRows,
  TYPE_CODE,
} from "../models/interaction_columns.ts";
import type { Interaction } from "../types.ts";
import {
  shareTask,
  silentTraining,
  timedStage,
  type TrainingProgress,
} from "./progress.ts";

/** The trained collaborative models the hybrid blends (content comes apart). */
export interface CollaborativeParts {
  ease: ItemItemModel;
  /** EASE trained on ratings ≥ `LIKED_RATING` only. */
  liked: ItemItemModel;
  itemknn: ItemItemModel;
  sequence: ItemItemModel;
  timeline: RatingTimeline;
}

/** Options of `trainHybridParts`. */
export interface HybridPartsOptions {
  /** EASE's λ, for both EASE models. */
  lambda: number;
  /** Movies need this many interactions to enter EASE (default: EASE's). */
  minCount?: number;
  /** An EASE model already trained on these interactions with `lambda`. */
  ease?: ItemItemModel;
  /** Where each EASE training reports its progress (default: nowhere). */
  progress?: TrainingProgress;
}

/**
 * Interactions that training learns from: everything but dislikes (a
 * dislike says "not this", which a binary co-occurrence model cannot use)
 * and skips ("haven't seen it" says nothing of taste).
 */
export function trainingInteractions(rows: Interaction[]): Interaction[];
export function trainingInteractions(
  rows: InteractionColumns,
): InteractionColumns;
export function trainingInteractions(
  rows: Interaction[] | InteractionColumns,
): Interaction[] | InteractionColumns;
export function trainingInteractions(
  rows: Interaction[] | InteractionColumns,
): Interaction[] | InteractionColumns {
  if (!isInteractionColumns(rows)) {
    return rows.filter((r) => r.type !== "dislike" && r.type !== "skip");
  }
  const kept = new RowList();
  for (let i = 0; i < rows.size; i++) {
    const type = rows.types[i];
    if (type !== TYPE_CODE.dislike && type !== TYPE_CODE.skip) kept.push(i);
  }
  const selected = kept.toArray();
  // the common case (no dislikes or skips) keeps the columns as they are
  return selected.length === rows.size ? rows : selectRows(rows, selected);
}

/**
 * EASE, EASE-liked, item-kNN, the sequence model and the rating timeline,
 * all trained on `train`.
 *
 * @example
 * ```ts
 * const parts = trainHybridParts(ratings, { lambda: 500 });
 * new HybridRecommender({ ...parts, content }, params);
 * ```
 */
export function trainHybridParts(
  train: Interaction[] | InteractionColumns,
  options: HybridPartsOptions,
): CollaborativeParts {
  const { lambda, minCount } = options;
  const progress = options.progress ?? silentTraining;
  const matrix = timedStage(
    progress,
    "interaction matrix",
    () => buildInteractionMatrix(train),
  );
  const ease = (label: string, m: typeof matrix) => {
    const task = shareTask(progress, `${label} (λ=${lambda})`);
    const model = trainEase(m, {
      lambda,
      minCount,
      onProgress: task.onProgress,
    });
    task.done();
    return model;
  };
  return {
    ease: options.ease ?? ease("EASE", matrix),
    liked: ease(
      "EASE-liked",
      buildInteractionMatrix(train, { minRating: LIKED_RATING }),
    ),
    itemknn: timedStage(progress, "item-kNN", () => trainItemKnn(matrix)),
    sequence: timedStage(
      progress,
      "sequence model",
      () => trainSequence(train),
    ),
    timeline: timedStage(
      progress,
      "rating timeline",
      () => RatingTimeline.fromInteractions(train),
    ),
  };
}
