/**
 * Hybrid settings for people who just answered the onboarding
 * questionnaire, tuned on simulated answers of held-out users
 * (`tuneNewUserSettings` holds them out of training): each one
 * answers the questionnaire (core/onboarding/) from a random half of their
 * ratings, and the weights are tuned on the liked movies of the other half.
 * Their histories differ from a handful of ratings given without it (what
 * `tuneShortHistory` tunes for): the most rated movies, rated or skipped.
 */
import type { Interaction } from "../types.ts";
import { type HybridParams, type HybridParts } from "../recommenders/hybrid.ts";
import {
  asColumns,
  type InteractionColumns,
  TYPE_CODE,
} from "../models/interaction_columns.ts";
import { LIKED_RATING } from "../models/item_item_model.ts";
import { Questionnaire } from "../onboarding/questionnaire.ts";
import {
  type OnboardingUser,
  resplitUser,
  simulateOnboarding,
} from "../onboarding/simulation.ts";
import { seededRandom } from "./split.ts";
import {
  type HeldOutTuning,
  type HybridGrid,
  tuneFromStart,
} from "./hybrid_tune.ts";
import type { TrainingProgress } from "./progress.ts";
import type { ValidationUser } from "./validation.ts";

/** Options of `tuneOnboardedHistory`. */
export interface OnboardedHistoryOptions {
  /** The short-history settings; tuning starts from them. */
  short: HybridParams;
  /** What `parts` were trained on: the questionnaire asks by its counts. */
  train: Interaction[] | InteractionColumns;
  grid: HybridGrid;
  /** Seed of the other halves a user answers from when `plays` > 1. */
  seed: number;
  /**
   * Times each held-out user answers, each time from another random half of
   * their ratings (default 1). More plays or a larger share of held-out
   * users did not lift the onboarding protocol's NDCG@10 beyond the noise
   * of tuning on about 100 users (tools/probes/README.md), so the defaults
   * stay.
   */
  plays?: number;
  progress?: TrainingProgress;
}

/** The tuned settings; `startValidationNdcg` is the short-history settings' score. */
export type OnboardedHistoryTuning = HeldOutTuning;

/**
 * Tunes settings for histories that come out of the onboarding, with
 * `parts` trained without `heldOut`. Null when no held-out user has a
 * liked movie to find.
 *
 * @example
 * ```ts
 * const onboarded = tuneOnboardedHistory(parts, split.users, { short, train: split.train, grid });
 * ```
 */
export function tuneOnboardedHistory(
  parts: HybridParts,
  heldOut: OnboardingUser[],
  options: OnboardedHistoryOptions,
): OnboardedHistoryTuning | null {
  const questionnaire = new Questionnaire({
    ratingCounts: ratingCountsOf(options.train),
    ease: parts.ease ?? null,
  });
  const now = parts.timeline.latestMs;
  const users: ValidationUser[] = [];
  const random = seededRandom(options.seed + 1);
  const plays = heldOut.flatMap((user) => [
    user,
    ...Array.from(
      { length: (options.plays ?? 1) - 1 },
      () => resplitUser(user, random),
    ),
  ]);
  for (const user of plays) {
    const relevant = new Set(
      user.test.filter((r) => (r.value ?? 0) >= LIKED_RATING)
        .map((r) => r.movieId),
    );
    if (relevant.size === 0) continue;
    const { history } = simulateOnboarding(
      user,
      (answers, limit) => questionnaire.next(answers, { limit }),
      { now },
    );
    users.push({ history, relevant });
  }
  if (users.length === 0) return null;
  return tuneFromStart(parts, {
    start: options.short,
    users,
    grid: options.grid,
    progress: options.progress,
    label: "tune onboarded histories",
  });
}

/** How many ratings each movie has, as the questionnaire takes them. */
function ratingCountsOf(
  rows: Interaction[] | InteractionColumns,
): { movieId: number; ratingCount: number }[] {
  const columns = asColumns(rows);
  const counts = new Map<number, number>();
  for (let i = 0; i < columns.size; i++) {
    if (columns.types[i] !== TYPE_CODE.rating) continue;
    const movieId = columns.movies[i];
    counts.set(movieId, (counts.get(movieId) ?? 0) + 1);
  }
  return [...counts].map(([movieId, ratingCount]) => ({
    movieId,
    ratingCount,
  }));
}
