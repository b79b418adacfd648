/**
 * The one training procedure behind what users are served: the pipeline runs
 * it on every stored interaction, the evaluation on a training split, so the
 * evaluation measures exactly what the API serves.
 *
 * With tuning on, EASE's λ and the hybrid's weights are chosen on two
 * validation tasks over the same users (`nextAndAnySplit`): each user's
 * last 5 ratings (what they watch next) and a fifth of their earlier ones
 * (what they like in general). The objective is the geometric mean of the
 * two tasks' NDCG@10, the next movies weighted twice: tuned on the next
 * movies alone, the blend leaned on the sequence and trend signals and fell
 * below plain popularity for movies from any time (docs/EVALUATION.md,
 * random protocol); weighted equally, it gave up a tenth of its NDCG on the
 * next movies (ARCHITECTURE.md has the measurements). Short
 * histories get settings of their own, and those that came through the
 * onboarding questionnaire others again, both tuned on one set of users
 * held out of training (`tuneNewUserSettings`); the served models are then
 * trained on everything.
 */
import { EASE_DEFAULTS } from "../models/ease.ts";
import { HYBRID_DEFAULTS, type HybridParams } from "../recommenders/hybrid.ts";
import { SHORT_HISTORY } from "../recommenders/history_router.ts";
import type { EmbeddingMatrix, Interaction } from "../types.ts";
import {
  type InteractionColumns,
  interactionCount,
} from "../models/interaction_columns.ts";
import {
  type CollaborativeParts,
  trainHybridParts,
  trainingInteractions,
} from "./hybrid_parts.ts";
import { DEFAULT_HYBRID_GRID, type HybridGrid } from "./hybrid_tune.ts";
import {
  silentTraining,
  timedStage,
  type TrainingProgress,
} from "./progress.ts";
import { tuneNewUserSettings } from "./new_user_tuning.ts";
import { nextAndAnySplit } from "./task_split.ts";
import { tuneOnValidation } from "./validation_tuning.ts";

/** Settings for short histories (people who just signed up). */
export interface ShortHistorySettings {
  params: HybridParams;
  /** Histories of at most this many movies get `params`. */
  maxHistory: number;
  /** Validation NDCG@10 on simulated new users: these settings, and the long-history ones. */
  validationNdcg: number;
  longValidationNdcg: number;
  /**
   * Settings for short histories that came through the onboarding (they
   * hold skips), tuned on simulated answers; absent: `params` serve them.
   */
  onboarded?: {
    params: HybridParams;
    /** Validation NDCG@10 on simulated onboarded users: these settings, and `params`. */
    validationNdcg: number;
    shortValidationNdcg: number;
  };
}

/** How the served hybrid blends its parts, as training chose. */
export interface HybridSettings {
  params: HybridParams;
  /** Absent when not tuned. */
  short?: ShortHistorySettings;
  /**
   * Embedding model of the content matrix the hybrid was tuned with: serving
   * must hand the hybrid this one (null: tuned without content).
   */
  embeddingModel: string | null;
  /** EASE's λ. */
  lambda: number;
  /**
   * Validation objective of `params`: the geometric mean of the tasks'
   * NDCG@10 (null when not tuned).
   */
  validationNdcg?: number | null;
  /** Validation NDCG@10 of `params` per task (absent when not tuned). */
  validationTasks?: { next: number; anyTime: number };
}

/** Everything the served recommender is built from, but the content matrix. */
export interface ServingModels extends CollaborativeParts {
  settings: HybridSettings;
}

/** Options of `trainServingModels`. */
export interface ServingTrainingOptions {
  /** The content embeddings the hybrid blends in (null: none). */
  content: EmbeddingMatrix | null;
  /** Name of `content`'s embedding model, recorded in the settings. */
  embeddingModel: string | null;
  /** Tune λ and the blend on a validation split (default true). */
  tune?: boolean;
  /** EASE λ values tried on the validation split (default `SERVING_TRAINING.lambdas`). */
  lambdas?: readonly number[];
  /** Movies need this many interactions to enter EASE (default 10). */
  minCount?: number;
  progress?: TrainingProgress;
}

/**
 * What the served models are tuned with. λ 500 is what `deno task eval`
 * chose under every protocol (each extra λ costs an EASE training); the
 * sequence decay stays at its default because each value recomputes every
 * validation user's components, and that keeps training near a minute on
 * ml-latest-small.
 */
export const SERVING_TRAINING: {
  lambdas: readonly number[];
  grid: HybridGrid;
  /** Seed of the simulated new users that short histories are tuned on. */
  shortHistorySeed: number;
  /** Seed of the earlier ratings the "any time" validation task holds out. */
  validationSeed: number;
  /**
   * Weights of the next-movies and any-time tasks in the tuning objective's
   * geometric mean: the next movies count twice (what "For you" faces
   * first; movies from any time keep it above popularity).
   */
  taskWeights: readonly [number, number];
  /**
   * Validation users tuning evaluates, at most (a seeded sample): all of
   * ml-latest-small's 610, 2000 of ml-10m's 70k. A trial's cost is linear
   * in them; on ml-10m-shaped data the tuned hybrid's NDCG@10 has a
   * standard error of 0.0055 over 2000 users (0.0035 over 5000), about
   * the difference between neighbouring grid values, while 5000 made
   * tuning 2.5 times as long (docs/SCALE.md).
   */
  validationUsers: number;
  /**
   * Times each held-out user answers the questionnaire when onboarded
   * settings are tuned, within `validationUsers` in all: ml-latest-small
   * holds out about 120 users, and tuned on one play each the served
   * onboarding NDCG@10 moved by ±0.01 between tuning seeds (tuning noise);
   * at ml-10m's 2000 held-out users one play is all that fits.
   */
  onboardedPlays: number;
} = {
  lambdas: [500],
  grid: {
    ...DEFAULT_HYBRID_GRID,
    sequenceDecay: [HYBRID_DEFAULTS.sequenceDecay],
  },
  shortHistorySeed: 1,
  validationSeed: 1,
  taskWeights: [2, 1],
  validationUsers: 2000,
  onboardedPlays: 3,
};

/**
 * Trains (and by default tunes) the served models on `interactions`
 * (objects, or columns: the pipeline passes columns, so that no step of
 * training holds every interaction as an object).
 * Throws when there is nothing to learn from.
 *
 * @example
 * ```ts
 * const models = trainServingModels(ratings, { content, embeddingModel: "tfidf" });
 * models.settings.params; // the tuned blend
 * ```
 */
export function trainServingModels(
  interactions: Interaction[] | InteractionColumns,
  options: ServingTrainingOptions,
): ServingModels {
  const ratings = trainingInteractions(interactions);
  if (interactionCount(ratings) === 0) {
    throw new Error(
      "Cannot train collaborative models: expected stored interactions, found none (run the load step first)",
    );
  }
  const { content, embeddingModel } = options;
  const minCount = options.minCount ?? EASE_DEFAULTS.minCount;
  const progress = options.progress ?? silentTraining;
  const grid = SERVING_TRAINING.grid;
  const settings: HybridSettings = {
    params: HYBRID_DEFAULTS,
    embeddingModel,
    lambda: EASE_DEFAULTS.lambda,
    validationNdcg: null,
  };
  if (options.tune ?? true) {
    const split = timedStage(
      progress,
      "validation split (last 5 of each user, a fifth of the earlier)",
      () =>
        nextAndAnySplit(ratings, {
          holdout: 5,
          anyFraction: 0.2,
          seed: SERVING_TRAINING.validationSeed,
        }),
    );
    const tuned = tuneOnValidation(split, {
      lambdas: options.lambdas ?? SERVING_TRAINING.lambdas,
      grid,
      content,
      minCount,
      maxUsers: SERVING_TRAINING.validationUsers,
      taskWeights: SERVING_TRAINING.taskWeights,
      progress,
    });
    settings.lambda = tuned.lambda;
    settings.params = tuned.params;
    settings.validationNdcg = tuned.ndcg;
    const [next = 0, anyTime = 0] = tuned.taskNdcg;
    settings.validationTasks = { next, anyTime };
    progress.log(
      `validation NDCG@10: next movies ${next.toFixed(4)}, any time ${
        anyTime.toFixed(4)
      } (tuned on their weighted geometric mean, ${tuned.ndcg.toFixed(4)})`,
    );
    const { short, onboarded } = tuneNewUserSettings(ratings, {
      long: tuned.params,
      lambda: tuned.lambda,
      minCount,
      content,
      grid,
      seed: SERVING_TRAINING.shortHistorySeed,
      maxUsers: SERVING_TRAINING.validationUsers,
      plays: SERVING_TRAINING.onboardedPlays,
      progress,
    });
    if (short) {
      settings.short = {
        params: short.params,
        maxHistory: SHORT_HISTORY,
        validationNdcg: short.validationNdcg,
        longValidationNdcg: short.startValidationNdcg,
      };
      progress.log(
        `short histories (≤ ${SHORT_HISTORY} movies): validation NDCG@10 ${
          short.validationNdcg.toFixed(4)
        } on ${short.users} simulated new users, ${
          short.startValidationNdcg.toFixed(4)
        } with the long-history settings`,
      );
      if (onboarded) {
        settings.short.onboarded = {
          params: onboarded.params,
          validationNdcg: onboarded.validationNdcg,
          shortValidationNdcg: onboarded.startValidationNdcg,
        };
        progress.log(
          `short histories through the onboarding: validation NDCG@10 ${
            onboarded.validationNdcg.toFixed(4)
          } on ${onboarded.users} simulated onboarded users, ${
            onboarded.startValidationNdcg.toFixed(4)
          } with the short-history settings`,
        );
      }
    }
  }
  const parts = trainHybridParts(ratings, {
    lambda: settings.lambda,
    minCount,
    progress,
  });
  return { ...parts, settings };
}
