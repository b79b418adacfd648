/**
 * Settings for new users, tuned on one held-out split: a seeded fifth of
 * the users are held out of training entirely (`onboardingSplit`) and the
 * hybrid's parts are trained once on everyone else. Then, on those users:
 * the short-history settings (each one plays someone who just signed up
 * and rated their first 5 movies, `tuneShortHistory`), and starting from
 * them the onboarded settings (each one answers the questionnaire,
 * `tuneOnboardedHistory`). One split instead of one per setting saves a
 * training of every part (ml-10m-shaped precompute: 727 → 488 CPU s,
 * docs/SCALE.md), and its new users are new to the models as real ones
 * are.
 */
import type { Interaction } from "../types.ts";
import type { InteractionColumns } from "../models/interaction_columns.ts";
import type { HybridParams } from "../recommenders/hybrid.ts";
import { onboardingSplit } from "../onboarding/simulation.ts";
import { trainHybridParts } from "./hybrid_parts.ts";
import type { HeldOutTuningOptions } from "./hybrid_tune.ts";
import {
  type OnboardedHistoryTuning,
  tuneOnboardedHistory,
} from "./onboarded_history.ts";
import { type ShortHistoryTuning, tuneShortHistory } from "./short_history.ts";

/** Options of `tuneNewUserSettings`. */
export interface NewUserTuningOptions extends HeldOutTuningOptions {
  /** The settings long histories get; short-history tuning starts from them. */
  long: HybridParams;
  /** Tune the onboarded settings too (default true). */
  onboarded?: boolean;
  /** Share of the users held out (default 0.2). */
  userFraction?: number;
  /**
   * Times each held-out user answers the questionnaire, each time from
   * another random half of their ratings (default 1), as long as all the
   * plays stay within `maxUsers`.
   */
  plays?: number;
}

/** The tuned settings; null where no held-out user could play the part. */
export interface NewUserTuning {
  short: ShortHistoryTuning | null;
  onboarded: OnboardedHistoryTuning | null;
}

/**
 * Tunes the short-history and onboarded settings on one held-out split of
 * `ratings`.
 *
 * @example
 * ```ts
 * const { short, onboarded } = tuneNewUserSettings(ratings, { long, lambda: 500, content, grid, seed: 1 });
 * ```
 */
export function tuneNewUserSettings(
  ratings: Interaction[] | InteractionColumns,
  options: NewUserTuningOptions,
): NewUserTuning {
  const split = onboardingSplit(ratings, {
    seed: options.seed,
    maxUsers: options.maxUsers,
    userFraction: options.userFraction,
  });
  if (split.users.length === 0) return { short: null, onboarded: null };
  const parts = {
    ...trainHybridParts(split.train, options),
    content: options.content,
  };
  const tuning = {
    grid: options.grid,
    progress: options.progress,
    train: split.train,
  };
  const short = tuneShortHistory(parts, split.users, {
    ...tuning,
    long: options.long,
  });
  if (!short || options.onboarded === false) return { short, onboarded: null };
  const onboarded = tuneOnboardedHistory(parts, split.users, {
    ...tuning,
    short: short.params,
    seed: options.seed,
    plays: Math.max(
      1,
      Math.min(
        options.plays ?? 1,
        Math.floor((options.maxUsers ?? Infinity) / split.users.length),
      ),
    ),
  });
  return { short, onboarded };
}
