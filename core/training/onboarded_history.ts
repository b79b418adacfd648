/**
 * Hybrid settings for people who just answered the onboarding
 * questionnaire, tuned on simulated answers carved from the training data:
 * a seeded fifth of the users are held out (`onboardingSplit`), each one
 * answers the questionnaire (core/onboarding/) from a random half of their
 * ratings, and the weights are tuned on the liked movies of the other half.
 * Their histories differ from a handful of ratings given without it (what
 * `tuneShortHistory` tunes for): the most rated movies, rated or skipped.
 */
import type { Interaction } from "../types.ts";
import {
  type HybridParams,
  HybridRecommender,
} from "../recommenders/hybrid.ts";
import {
  asColumns,
  type InteractionColumns,
  TYPE_CODE,
} from "../models/interaction_columns.ts";
import { LIKED_RATING } from "../models/item_item_model.ts";
import { Questionnaire } from "../onboarding/questionnaire.ts";
import {
  onboardingSplit,
  resplitUser,
  simulateOnboarding,
} from "../onboarding/simulation.ts";
import { seededRandom } from "./split.ts";
import { trainHybridParts } from "./hybrid_parts.ts";
import { type HeldOutTuningOptions, tuneHybrid } from "./hybrid_tune.ts";
import { meanNdcg, type ValidationUser } from "./validation.ts";

/** Options of `tuneOnboardedHistory`. */
export interface OnboardedHistoryOptions extends HeldOutTuningOptions {
  /** The short-history settings; tuning starts from them. */
  short: HybridParams;
  /** Share of the users held out to answer (default 0.2). */
  userFraction?: number;
  /**
   * Times each held-out user answers, each time from another random half of
   * their ratings (default 1). More plays or a larger share did not lift
   * the onboarding protocol's NDCG@10 beyond the noise of tuning on about
   * 100 users (tools/probes/README.md), so the defaults stay.
   */
  plays?: number;
}

/** Onboarded settings and how both settings did on the simulated users. */
export interface OnboardedHistoryTuning {
  params: HybridParams;
  /** Validation NDCG@10 of `params` on the simulated onboarded users. */
  validationNdcg: number;
  /** The short-history settings on the same users, for comparison. */
  shortValidationNdcg: number;
  users: number;
}

/**
 * Tunes settings for histories that come out of the onboarding. Null when
 * no held-out user has a liked movie to find.
 *
 * @example
 * ```ts
 * const onboarded = tuneOnboardedHistory(ratings, { short, lambda: 500, content, grid, seed: 1 });
 * ```
 */
export function tuneOnboardedHistory(
  ratings: Interaction[] | InteractionColumns,
  options: OnboardedHistoryOptions,
): OnboardedHistoryTuning | null {
  const split = onboardingSplit(ratings, {
    seed: options.seed,
    maxUsers: options.maxUsers,
    userFraction: options.userFraction,
  });
  if (split.users.length === 0) return null;
  const parts = {
    ...trainHybridParts(split.train, options),
    content: options.content,
  };
  const questionnaire = new Questionnaire({
    ratingCounts: ratingCountsOf(split.train),
    ease: parts.ease,
  });
  const now = parts.timeline.latestMs;
  const users: ValidationUser[] = [];
  const random = seededRandom(options.seed + 1);
  const plays = split.users.flatMap((user) => [
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
  const tuned = tuneHybrid(parts, {
    start: options.short,
    users,
    grid: options.grid,
    progress: options.progress,
    label: "tune onboarded histories",
  });
  return {
    params: tuned.params,
    validationNdcg: tuned.ndcg,
    shortValidationNdcg: meanNdcg(
      new HybridRecommender(parts, options.short),
      users,
    ),
    users: users.length,
  };
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
