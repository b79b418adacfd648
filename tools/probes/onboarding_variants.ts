/**
 * Probe (issue 14): which questionnaire and which use of its answers lift
 * the onboarding protocol's NDCG@10? Re-creates the protocol of
 * tools/eval/onboarding_protocol.ts (same split, same served models trained
 * once on its training split, TF-IDF content) and plays every variant
 * through it; prints NDCG@10 with a 95% bootstrap interval, the ratio to
 * most-liked and the effort per variant.
 *
 *   deno run -A tools/probes/onboarding_variants.ts [--data ../shared/data/ml-latest-small] [--seed 42]
 *     [--only <part of a variant's name>]
 *
 * The served hybrid's onboarded settings are tuned (at training) for the
 * served questionnaire; variants of the questionnaire are ranked with those
 * settings, so they are a screen: a winner needs the full eval, which tunes
 * for it.
 */
import {
  Questionnaire,
  QUESTIONNAIRE_DEFAULTS,
  type QuestionnaireParams,
} from "../../core/onboarding/questionnaire.ts";
import {
  type AskNext,
  onboardingSplit,
} from "../../core/onboarding/simulation.ts";
import { ndcgAtK } from "../../core/metrics.ts";
import { trainEase } from "../../core/models/ease.ts";
import { buildInteractionMatrix } from "../../core/models/interaction_matrix.ts";
import { ItemItemRecommender } from "../../core/models/item_item_model.ts";
import {
  HYBRID_DEFAULTS,
  type HybridParams,
  HybridRecommender,
} from "../../core/recommenders/hybrid.ts";
import type { Recommender } from "../../core/recommender.ts";
import type { Interaction } from "../../core/types.ts";
import { seededRandom } from "../../core/training/split.ts";
import {
  type NewUserTuningOptions,
  tuneNewUserSettings,
} from "../../core/training/new_user_tuning.ts";
import { SERVING_TRAINING } from "../../core/training/serving_models.ts";
import { assembleRecommender } from "../../serving/recommender.ts";
import { tfidfEmbedder } from "../../pipeline/embedders/tfidf.ts";
import { consoleProgress } from "../../pipeline/progress.ts";
import { loadEvalDataset } from "../eval/data.ts";
import { embedAll } from "../eval/main.ts";
import { relevantByUser } from "../eval/protocols.ts";
import { trainServed } from "../eval/run.ts";
import { playOnboarding } from "../eval/onboarding_protocol.ts";

/** One variant: how questions are asked and how the answers are ranked. */
interface Variant {
  name: string;
  questionnaire?: Partial<QuestionnaireParams>;
  /** Overrides of the served onboarded settings (absent: the served hybrid). */
  onboarded?: Partial<HybridParams>;
  /** Rewrites the answers before ranking (a stand-in for a weighting). */
  answers?: (history: Interaction[]) => Interaction[];
  /**
   * Popularity of a movie as the questionnaire sees it: "spread" multiplies
   * the rating count by the variance of its ratings (Rashid et al.'s
   * popularity × entropy, with variance for entropy).
   */
  askPopularity?: "spread";
  /**
   * Tunes the onboarded settings again, as training does, with these
   * options changed (the questionnaire as served).
   */
  tuning?: Partial<NewUserTuningOptions>;
  /** Never recommends a skipped movie (skips as a negative signal). */
  excludeSkips?: boolean;
  /** Asks from EASE-liked (trained on ratings ≥ 4) instead of EASE. */
  askFromLikedModel?: boolean;
  /** Ranks with EASE alone at this λ (trained on the training split). */
  easeLambda?: number;
}

/** Ratings below 3 as dislikes: no collaborative weight, a content push away. */
const lowAsDislike = (history: Interaction[]) =>
  history.map((i) =>
    i.type === "rating" && (i.value ?? 3) < 3
      ? { ...i, type: "dislike" as const, value: null }
      : i
  );

const VARIANTS: Variant[] = [
  { name: "served (baseline)" },
  {
    name: "before issue 14's probe: taste from seen, popularity 1",
    questionnaire: { tasteFrom: "seen", popularityWeight: 1 },
  },
  {
    name: "questionnaire popularity 0.5",
    questionnaire: { popularityWeight: 0.5 },
  },
  {
    name: "questionnaire popularity 2",
    questionnaire: { popularityWeight: 2 },
  },
  {
    name: "questionnaire popularity 4",
    questionnaire: { popularityWeight: 4 },
  },
  {
    name: "questionnaire taste from liked",
    questionnaire: { tasteFrom: "liked" },
  },
  {
    name: "taste from liked, popularity 0.5",
    questionnaire: { tasteFrom: "liked", popularityWeight: 0.5 },
  },
  { name: "questionnaire min 50 ratings", questionnaire: { minRatings: 50 } },
  { name: "low ratings as dislikes", answers: lowAsDislike },
  { name: "onboarded liked weight 8", onboarded: { likedWeight: 8 } },
  { name: "onboarded ease weight 0", onboarded: { easeWeight: 0 } },
  { name: "onboarded content 0", onboarded: { contentWeight: 0 } },
  { name: "onboarded popularity 0.8", onboarded: { popularityWeight: 0.8 } },
  { name: "onboarded popularity 0.2", onboarded: { popularityWeight: 0.2 } },
  { name: "onboarded history decay 1", onboarded: { historyDecay: 1 } },
  { name: "onboarded history pivot 5", onboarded: { historyPivot: 5 } },
  {
    name: "onboarded popularity 0.8, liked 8, content 0.8",
    onboarded: { popularityWeight: 0.8, likedWeight: 8, contentWeight: 0.8 },
  },
  { name: "questionnaire popularity × variance", askPopularity: "spread" },
  {
    name: "popularity × variance, taste from liked",
    askPopularity: "spread",
    questionnaire: { tasteFrom: "liked" },
  },
  {
    name: "taste from liked, popularity 0.25",
    questionnaire: { tasteFrom: "liked", popularityWeight: 0.25 },
  },
  {
    name: "taste from liked, popularity 1",
    questionnaire: { tasteFrom: "liked", popularityWeight: 1 },
  },
  {
    name: "taste from liked, popularity 0.5, min 50 ratings",
    questionnaire: {
      tasteFrom: "liked",
      popularityWeight: 0.5,
      minRatings: 50,
    },
  },
  { name: "skipped movies never recommended", excludeSkips: true },
  { name: "questionnaire asks from EASE-liked", askFromLikedModel: true },
  { name: "onboarded tuning as served (check)", tuning: {} },
  {
    name: "onboarded tuning on 2/5 of the users",
    tuning: { userFraction: 0.4 },
  },
  { name: "onboarded tuning on half the users", tuning: { userFraction: 0.5 } },
  { name: "onboarded tuning, 3 plays per user", tuning: { plays: 3 } },
  { name: "onboarded tuning, 6 plays per user", tuning: { plays: 6 } },
  {
    name: "onboarded tuning, wider grid",
    tuning: {
      grid: {
        ...SERVING_TRAINING.grid,
        likedWeight: [0, 0.5, 1, 2, 4, 8],
        knnWeight: [0, 0.1, 0.2, 0.4, 0.8, 1.6],
        contentWeight: [0, 0.05, 0.1, 0.2, 0.4, 0.8],
        popularityWeight: [0, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6],
      },
    },
  },
  { name: "ease alone, λ 500", easeLambda: 500 },
  { name: "ease alone, λ 2000", easeLambda: 2000 },
  { name: "ease alone, λ 8000", easeLambda: 8000 },
];

/** Rating count × variance of the ratings, per movie of `train`. */
function spreadCounts(train: Interaction[]) {
  const sums = new Map<number, [number, number, number]>();
  for (const r of train) {
    const s = sums.get(r.movieId) ?? [0, 0, 0];
    const v = r.value ?? 0;
    s[0]++, s[1] += v, s[2] += v * v;
    sums.set(r.movieId, s);
  }
  return [...sums].map(([movieId, [n, sum, squares]]) => {
    const variance = Math.max(0, squares / n - (sum / n) ** 2);
    return { movieId, ratingCount: n * variance };
  });
}

/** Mean and 95% percentile bootstrap interval (seeded). */
function bootstrap(values: number[], seed: number): [number, number, number] {
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  const random = seededRandom(seed);
  const means: number[] = [];
  for (let s = 0; s < 1000; s++) {
    let sum = 0;
    for (let i = 0; i < values.length; i++) {
      sum += values[Math.floor(random() * values.length)];
    }
    means.push(sum / values.length);
  }
  means.sort((a, b) => a - b);
  return [mean(values), means[24], means[974]];
}

function argument(flag: string, fallback: string): string {
  const at = Deno.args.indexOf(flag);
  return at >= 0 && Deno.args[at + 1] ? Deno.args[at + 1] : fallback;
}

const seed = Number(argument("--seed", "42"));
const data = await loadEvalDataset(
  argument("--data", "../shared/data/ml-latest-small"),
);
const progress = consoleProgress({ everyPercent: 100 });
const tfidf = await embedAll(tfidfEmbedder(data.movies), data.movies);
const split = onboardingSplit(data.ratings, { seed });
const relevant = relevantByUser(split.users.flatMap((u) => u.test));
const users = split.users.filter((u) => relevant.has(u.userId));
const { content, stats, mostLiked, served } = trainServed(split.train, {
  protocol: "onboarding",
  catalogueIds: data.movies.map((m) => m.id),
  ks: [10],
  seed,
  embeddings: { tfidf },
  servedEmbedding: "tfidf",
  progress,
});
const hybrid = assembleRecommender("hybrid", {
  models: served,
  content,
  popular: mostLiked,
})!;
const now = served.timeline.latestMs;
const spread = spreadCounts(split.train);

const ndcgs = (
  recommender: Recommender,
  histories: Interaction[][],
  excludeSkips = false,
) =>
  users.map((u, i) =>
    ndcgAtK(
      recommender.recommend(histories[i], {
        limit: 10,
        exclude: excludeSkips
          ? new Set(
            histories[i].filter((h) => h.type === "skip").map((h) => h.movieId),
          )
          : undefined,
      }).map((r) => r.movieId),
      { relevant: relevant.get(u.userId)!, k: 10 },
    )
  );
const [popular] = bootstrap(ndcgs(mostLiked, users.map(() => [])), seed);
console.log(
  `${users.length} users; most-liked NDCG@10 ${popular.toFixed(4)}\n`,
);
console.log(
  "| variant | NDCG@10 [95% CI] | × most-liked | shown | rated |\n|---|---|---|---|---|",
);
const only = argument("--only", "");
for (const variant of VARIANTS) {
  if (only && !variant.name.includes(only) && variant !== VARIANTS[0]) continue;
  const questionnaire = new Questionnaire(
    {
      ratingCounts: variant.askPopularity ? spread : stats,
      ease: variant.askFromLikedModel ? served.liked : served.ease,
    },
    { ...QUESTIONNAIRE_DEFAULTS, ...variant.questionnaire },
  );
  const ask: AskNext = (history, limit) =>
    questionnaire.next(history, { limit });
  const played = playOnboarding(users, ask, now);
  const short = served.settings.short;
  const onboarded = variant.tuning && short
    ? tuneNewUserSettings(split.train, {
      long: served.settings.params,
      lambda: served.settings.lambda,
      content,
      grid: SERVING_TRAINING.grid,
      seed: SERVING_TRAINING.shortHistorySeed,
      maxUsers: SERVING_TRAINING.validationUsers,
      plays: SERVING_TRAINING.onboardedPlays,
      ...variant.tuning,
    }).onboarded?.params
    : short?.onboarded?.params;
  const recommender = variant.easeLambda
    ? new ItemItemRecommender(
      trainEase(buildInteractionMatrix(split.train), {
        lambda: variant.easeLambda,
      }),
    )
    : (variant.onboarded || variant.tuning) && onboarded
    ? new HybridRecommender({ ...served, content }, {
      ...HYBRID_DEFAULTS,
      ...onboarded,
      ...variant.onboarded,
    })
    : hybrid;
  const histories = played.histories.map((history) =>
    variant.answers ? variant.answers(history) : history
  );
  const [mean, low, high] = bootstrap(
    ndcgs(recommender, histories, variant.excludeSkips),
    seed,
  );
  const { shown, rated } = played.effort;
  console.log(
    `| ${variant.name} | ${mean.toFixed(4)} [${low.toFixed(4)}, ${
      high.toFixed(4)
    }] | ${(mean / popular).toFixed(2)} | ${shown.toFixed(1)} | ${
      rated.toFixed(1)
    } |`,
  );
}
