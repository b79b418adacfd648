/**
 * The onboarding protocol end to end (the split and the simulated user are
 * in onboarding.ts): train the served models on everybody but the held-out
 * users, play each held-out user through the served questionnaire
 * (serving/onboarding.ts) and rank with the served hybrid; beside it, the
 * non-personalised baselines, the user's own first 10 ratings without
 * questions, and a fixed questionnaire of the most rated movies.
 */
import { ItemItemRecommender } from "../../core/models/item_item_model.ts";
import { PopularityRecommender } from "../../core/recommenders/popular.ts";
import type { Recommender } from "../../core/recommender.ts";
import type { Interaction } from "../../core/types.ts";
import { assembleQuestionnaire } from "../../serving/onboarding.ts";
import { assembleRecommender } from "../../serving/recommender.ts";
import {
  type AskNext,
  firstRatings,
  onboardingSplit,
  type OnboardingUser,
  simulateOnboarding,
} from "../../core/onboarding/simulation.ts";
import {
  countsOf,
  RECENT_DAYS,
  recentPopularRecommender,
  relevantByUser,
} from "./protocols.ts";
import {
  type EvalOptions,
  named,
  type ProtocolResult,
  rankAll,
  trainServed,
} from "./run.ts";
import { servedWithShortLimit } from "./research.ts";
import { type Effort, type RankedMethod, scoreMethods } from "./scoring.ts";

/** Movies per page and pages at most: at most 100 movies shown. */
export const ONBOARDING_PAGE = 10;
export const ONBOARDING_PAGES = 10;
/** The simulated user stops after the page that brings this many ratings. */
export const ONBOARDING_RATINGS = 10;

/**
 * Every held-out user answers `ask`'s pages at `now` as the protocol has
 * them (pages of 10, at most 10 pages, until 10 ratings): their histories
 * and the mean effort.
 */
export function playOnboarding(
  users: OnboardingUser[],
  ask: AskNext,
  now: number,
): { histories: Interaction[][]; effort: Effort } {
  const runs = users.map((u) =>
    simulateOnboarding(u, ask, {
      now,
      pageSize: ONBOARDING_PAGE,
      maxPages: ONBOARDING_PAGES,
      ratings: ONBOARDING_RATINGS,
    })
  );
  const mean = (of: (r: (typeof runs)[number]) => number) =>
    runs.reduce((a, r) => a + of(r), 0) / runs.length;
  return {
    histories: runs.map((r) => r.history),
    effort: { shown: mean((r) => r.shown), rated: mean((r) => r.rated) },
  };
}

/** The movies of `ratingCounts`, most rated first, as one fixed questionnaire. */
function fixedQuestionnaire(
  ratingCounts: { movieId: number; ratingCount: number }[],
): AskNext {
  const order = ratingCounts.filter((s) => s.ratingCount > 0)
    .sort((a, b) => b.ratingCount - a.ratingCount || a.movieId - b.movieId)
    .map((s) => s.movieId);
  return (history, limit) => {
    const asked = new Set(history.map((i) => i.movieId));
    const page: number[] = [];
    for (const id of order) {
      if (page.length >= limit) break;
      if (!asked.has(id)) page.push(id);
    }
    return page;
  };
}

/** The served hybrid told to leave out what the user skipped (research). */
function excludingSkips(hybrid: Recommender): Recommender {
  return {
    name: "hybrid-skips-excluded",
    recommend: (history, options) =>
      hybrid.recommend(history, {
        ...options,
        exclude: new Set([
          ...(options.exclude ?? []),
          ...history.filter((i) => i.type === "skip").map((i) => i.movieId),
        ]),
      }),
  };
}

/**
 * Runs the onboarding protocol and returns per-method metrics, with each
 * questionnaire's effort (movies shown and ratings given per user).
 *
 * @example
 * ```ts
 * const result = evaluateOnboarding(ratings, { protocol: "onboarding", catalogueIds,
 *   ks: [10], seed: 42, embeddings: { tfidf }, servedEmbedding: "tfidf", progress });
 * ```
 */
export function evaluateOnboarding(
  ratings: Interaction[],
  options: EvalOptions,
): ProtocolResult {
  const { ks, seed, progress, catalogueIds } = options;
  const protocol = "onboarding";
  const maxK = Math.max(...ks);
  const split = onboardingSplit(ratings, { seed });
  const test = split.users.flatMap((u) => u.test);
  const relevant = relevantByUser(test);
  const users = split.users.filter((u) => relevant.has(u.userId));
  progress.log(
    `[${protocol}] ${split.users.length} users held out: train ${split.train.length} ratings, ` +
      `${users.length} held-out users have relevant items in their test half`,
  );
  const { content, stats, mostLiked, served, servedMs } = trainServed(
    split.train,
    { ...options, protocol },
  );
  const hybrid = assembleRecommender("hybrid", {
    models: served,
    content,
    popular: mostLiked,
  })!;
  const questionnaire = assembleQuestionnaire({
    models: served,
    ratingCounts: stats,
  });
  // Answers are given now, when serving runs: after the last training rating.
  const now = served.timeline.latestMs;
  const play = (ask: AskNext) => playOnboarding(users, ask, now);
  const adaptive = play((history, limit) =>
    questionnaire.next(history, { limit })
  );
  const fixed = play(fixedQuestionnaire(stats));
  const own = users.map((u: OnboardingUser) =>
    firstRatings(u, ONBOARDING_RATINGS, now)
  );
  const ownEffort: Effort = {
    shown: 0,
    rated: own.reduce((a, h) => a + h.length, 0) / own.length,
  };
  const ease = new ItemItemRecommender(served.ease);
  const none = users.map(() => [] as Interaction[]);
  const rows: [Recommender, Interaction[][], Effort | undefined, number][] = [
    [mostLiked, none, undefined, 0],
    [
      new PopularityRecommender(stats, {
        name: "most-rated",
        score: (s) => s.ratingCount,
      }),
      none,
      undefined,
      0,
    ],
    [recentPopularRecommender(split.train, RECENT_DAYS), none, undefined, 0],
    [named(ease, "ease, first 10 ratings"), own, ownEffort, servedMs],
    [
      named(
        new ItemItemRecommender(served.ease),
        "ease, most-rated questionnaire",
      ),
      fixed.histories,
      fixed.effort,
      servedMs,
    ],
    [
      named(
        new ItemItemRecommender(served.ease),
        "ease, adaptive questionnaire",
      ),
      adaptive.histories,
      adaptive.effort,
      servedMs,
    ],
    [
      named(
        assembleRecommender("hybrid", {
          models: served,
          content,
          popular: mostLiked,
        })!,
        "hybrid, first 10 ratings",
      ),
      own,
      ownEffort,
      servedMs,
    ],
    [
      named(
        assembleRecommender("hybrid", {
          models: served,
          content,
          popular: mostLiked,
        })!,
        "hybrid, most-rated questionnaire",
      ),
      fixed.histories,
      fixed.effort,
      servedMs,
    ],
  ];
  if (options.research ?? true) {
    rows.push([
      servedWithShortLimit(served, content, 10),
      adaptive.histories,
      adaptive.effort,
      servedMs,
    ]);
    rows.push([
      excludingSkips(hybrid),
      adaptive.histories,
      adaptive.effort,
      servedMs,
    ]);
  }
  rows.push([hybrid, adaptive.histories, adaptive.effort, servedMs]);
  const ranked: RankedMethod[] = rows.map(
    ([recommender, histories, effort, trainMs]) => {
      const [method] = rankAll(
        [{ recommender, trainMs }],
        users.map((u, i) => ({ id: u.userId, history: histories[i] })),
        { maxK, progress, protocol },
      );
      return effort ? { ...method, effort } : method;
    },
  );
  return {
    protocol,
    users: users.length,
    excludedUsers: split.users.length - users.length,
    trainRatings: split.train.length,
    testRatings: test.length,
    relevantItems: [...relevant.values()].reduce((a, s) => a + s.size, 0),
    catalogue: catalogueIds.length,
    served: {
      settings: served.settings,
      easeItems: served.ease.items.length,
      trainMs: servedMs,
    },
    onboarding: {
      heldOutUsers: split.users.length,
      meanAnswers: split.users.reduce((a, u) => a + u.answers.size, 0) /
        split.users.length,
    },
    methods: scoreMethods(ranked, {
      relevant,
      ks,
      seed,
      samples: options.bootstrapSamples ?? 1000,
      catalogueSize: catalogueIds.length,
      counts: countsOf(split.train),
    }),
  };
}
