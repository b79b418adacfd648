/**
 * Hybrid settings for people who just signed up, tuned on held-out users
 * (`tuneNewUserSettings` holds them out of training): each one with at
 * least 20 ratings keeps their first 5, in time order, as the history, and
 * the weights are tuned on their other liked movies.
 */
import type { Interaction } from "../types.ts";
import { LIKED_RATING } from "../models/item_item_model.ts";
import { type HybridParams, type HybridParts } from "../recommenders/hybrid.ts";
import type { OnboardingUser } from "../onboarding/simulation.ts";
import type { TrainingProgress } from "./progress.ts";
import {
  type HeldOutTuning,
  type HybridGrid,
  tuneFromStart,
} from "./hybrid_tune.ts";
import type { ValidationUser } from "./validation.ts";

/** Ratings a simulated new user keeps as their history. */
const KEEP = 5;
/** Held-out users with fewer ratings do not play a new user. */
const MIN_RATINGS = 20;

/** Options of `tuneShortHistory`. */
export interface ShortHistoryOptions {
  /** The settings long histories get; tuning starts from them. */
  long: HybridParams;
  grid: HybridGrid;
  progress?: TrainingProgress;
}

/** The tuned settings; `startValidationNdcg` is the long-history settings' score. */
export type ShortHistoryTuning = HeldOutTuning;

/**
 * Tunes settings for short histories with `parts` trained without
 * `heldOut`. Null when no held-out user has enough ratings to play a new
 * user.
 *
 * @example
 * ```ts
 * const short = tuneShortHistory(parts, split.users, { long, grid });
 * ```
 */
export function tuneShortHistory(
  parts: HybridParts,
  heldOut: OnboardingUser[],
  options: ShortHistoryOptions,
): ShortHistoryTuning | null {
  const users = heldOut.flatMap((user) => {
    const played = newUserOf(user);
    return played ? [played] : [];
  });
  if (users.length === 0) return null;
  return tuneFromStart(parts, {
    start: options.long,
    users,
    grid: options.grid,
    progress: options.progress,
    label: "tune short histories",
  });
}

/** The user's first ratings as a history, their later liked movies to find. */
function newUserOf(user: OnboardingUser): ValidationUser | null {
  const rated = [...user.answersInTime, ...user.test].sort(byTime);
  if (rated.length < MIN_RATINGS) return null;
  const relevant = new Set(
    rated.slice(KEEP).filter((r) => (r.value ?? 0) >= LIKED_RATING)
      .map((r) => r.movieId),
  );
  if (relevant.size === 0) return null;
  return { history: rated.slice(0, KEEP), relevant };
}

/** Time order, ties by movie id (as `sortByTime` in split.ts). */
function byTime(a: Interaction, b: Interaction): number {
  return a.timestamp - b.timestamp || a.movieId - b.movieId;
}
