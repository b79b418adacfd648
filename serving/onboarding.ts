/**
 * The onboarding questionnaire as served: assembled once at start from the
 * stored models and the catalogue's rating counts, for the API and the
 * evaluation alike; per request it only scores the answers so far.
 */
import {
  Questionnaire,
  QUESTIONNAIRE_DEFAULTS,
} from "../core/onboarding/questionnaire.ts";
import type { ServingModels } from "../core/training/serving_models.ts";

/** What the questionnaire is assembled from. */
export interface QuestionnaireInputs {
  /** The trained models; null when training never ran (popularity only). */
  models: ServingModels | null;
  /** How many people rated each movie. */
  ratingCounts: readonly { movieId: number; ratingCount: number }[];
}

/**
 * The questionnaire users get: the served EASE model points to what the
 * answers suggest, rating counts to what most people saw.
 *
 * @example
 * ```ts
 * const questionnaire = assembleQuestionnaire({ models, ratingCounts: scores });
 * questionnaire.next(history, { limit: 10 });
 * ```
 */
export function assembleQuestionnaire(
  inputs: QuestionnaireInputs,
): Questionnaire {
  return new Questionnaire(
    { ratingCounts: inputs.ratingCounts, ease: inputs.models?.ease ?? null },
    QUESTIONNAIRE_DEFAULTS,
  );
}
