/**
 * The offline evaluation protocol: split, tune on a validation split carved
 * from training data, train every method with the same `core` code the API
 * serves, rank candidates per user and score the rankings.
 */
import { trainEase } from "../../core/models/ease.ts";
import {
  type HybridParams,
  HybridRecommender,
} from "../../core/recommenders/hybrid.ts";
import {
  DEFAULT_HYBRID_GRID,
  tuneHybrid,
  type ValidationUser,
} from "../../core/training/hybrid_tune.ts";
import { learnHybridBlend } from "./learned_blend/fit.ts";
import { buildInteractionMatrix } from "../../core/models/interaction_matrix.ts";
import {
  collaborativeWeights,
  ItemItemRecommender,
  LIKED_RATING,
  likedOnly,
} from "../../core/models/item_item_model.ts";
import { trainItemKnn } from "../../core/models/item_knn.ts";
import {
  bootstrapDifference,
  bootstrapInterval,
  catalogueCoverage,
  evaluateRankings,
  type Interval,
  meanPopularityRank,
  popularityRanks,
  type UserMetricName,
  userMetricNames,
} from "../../core/metrics.ts";
import { ContentRecommender } from "../../core/recommenders/content.ts";
import {
  coldStartRecommender,
  PopularityRecommender,
} from "../../core/recommenders/popular.ts";
import { movieStats } from "../../core/movie_stats.ts";
import type { Recommender } from "../../core/recommender.ts";
import {
  newUserSplit,
  type Random,
  randomSplit,
  seededRandom,
  type Split,
  temporalSplit,
} from "../../core/training/split.ts";
import type { EmbeddingMatrix, Interaction } from "../../core/types.ts";
import type { ProgressReporter } from "../../pipeline/progress.ts";
import {
  type ShortHistoryTuning,
  trainHybridParts,
  tuneShortHistory,
  validationUsersOf,
} from "../../core/training/validation.ts";
import { HistoryLengthRouter } from "../../core/recommenders/history_router.ts";
import { RatingTimeline } from "../../core/models/timeline.ts";
import { sequenceWeights, trainSequence } from "../../core/models/sequence.ts";
import { HYBRID_DEFAULTS } from "../../core/recommenders/hybrid.ts";

/** Every protocol, in the order they are run and reported. */
export const PROTOCOLS = ["random", "temporal", "new-users"] as const;

export type Protocol = typeof PROTOCOLS[number];

/** Ratings at or above this are relevant when held out. */
export const RELEVANT_RATING = LIKED_RATING;

/** Options of `evaluateProtocol`. */
export interface EvalOptions {
  protocol: Protocol;
  /** Cut-offs, e.g. [10, 20]. */
  ks: number[];
  seed: number;
  /** Content embeddings by embedder name (e.g. tfidf, minilm). */
  embeddings: Record<string, EmbeddingMatrix>;
  /** Which embedding the hybrid uses (default: the first). */
  hybridEmbedding?: string;
  /** EASE λ values tried on the validation split. */
  lambdas?: number[];
  /** Try the learned blend on the validation split (default true). */
  learned?: boolean;
  /** Bootstrap resamples (default 1000). */
  bootstrapSamples?: number;
  progress: ProgressReporter;
}

/** One method's results at one k. */
export interface MethodAtK {
  metrics: Record<UserMetricName, Interval>;
  coverage: number;
  novelty: number;
  /** Paired bootstrap of hybrid − this method on NDCG@k (absent for the hybrid). */
  hybridMinusThis?: Interval;
}

/** One method's results. */
export interface MethodResult {
  name: string;
  /** Training (and tuning) time in ms. */
  trainMs: number;
  /** Time to rank for every test user, in ms. */
  recommendMs: number;
  byK: Record<number, MethodAtK>;
}

/** Everything one protocol measured. */
export interface ProtocolResult {
  protocol: Protocol;
  users: number;
  excludedUsers: number;
  trainRatings: number;
  testRatings: number;
  relevantItems: number;
  catalogue: number;
  easeLambda: number;
  easeItems: number;
  /** Time to train EASE on the training split. */
  easeBuildMs: number;
  hybridParams: HybridParams;
  validationNdcg: number;
  /** Settings for histories of ≤ `SHORT_HISTORY` movies, as served (absent: none tuned). */
  shortHistory?: ShortHistoryTuning;
  /** The learned blend's cross-validation (absent: not tried). */
  learnedValidation?: { learnedNdcg: number; baseNdcg: number };
  methods: MethodResult[];
}

/** Applies the protocol's split. */
export function splitFor(
  protocol: Protocol,
  ratings: Interaction[],
  seed: number,
): Split {
  switch (protocol) {
    case "random":
      return randomSplit(ratings, { seed, testFraction: 0.2, minRatings: 5 });
    case "temporal":
      return temporalSplit(ratings, { holdout: 5 });
    case "new-users":
      return newUserSplit(ratings, { seed, userFraction: 0.2, keep: 5 });
  }
}

/** Groups interactions by user. */
export function byUser(rows: Interaction[]): Map<string, Interaction[]> {
  const out = new Map<string, Interaction[]>();
  for (const r of rows) {
    let list = out.get(r.userId);
    if (!list) out.set(r.userId, list = []);
    list.push(r);
  }
  return out;
}

/** Held-out ratings ≥ `RELEVANT_RATING`, by user. */
export function relevantByUser(test: Interaction[]): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const r of test) {
    if ((r.value ?? 0) < RELEVANT_RATING) continue;
    let set = out.get(r.userId);
    if (!set) out.set(r.userId, set = new Set());
    set.add(r.movieId);
  }
  return out;
}

/** Rating counts per movie. */
export function countsOf(rows: Interaction[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of rows) out.set(r.movieId, (out.get(r.movieId) ?? 0) + 1);
  return out;
}

/** Recommends uniformly at random among the candidates (seeded per call order). */
export class RandomRecommender implements Recommender {
  readonly name = "random";
  readonly #random: Random;
  constructor(readonly catalogue: number[], seed: number) {
    this.#random = seededRandom(seed);
  }
  recommend(history: Interaction[], options: { limit: number }) {
    const seen = new Set(history.map((h) => h.movieId));
    const picked = new Set<number>();
    const out = [];
    const want = Math.min(options.limit, this.catalogue.length - seen.size);
    while (out.length < want) {
      const id =
        this.catalogue[Math.floor(this.#random() * this.catalogue.length)];
      if (seen.has(id) || picked.has(id)) continue;
      picked.add(id);
      out.push({
        movieId: id,
        score: 0,
        explanation: { kind: "popular" as const, because: [] },
      });
    }
    return out;
  }
}

/**
 * Chooses EASE λ on a validation split of `train` (plain EASE NDCG@10),
 * then trains EASE and item-kNN on `train` itself.
 */
function chooseLambda(
  valTrain: Interaction[],
  valUsers: ValidationUser[],
  lambdas: number[],
  progress: ProgressReporter,
): number {
  const matrix = buildInteractionMatrix(valTrain);
  let best = { lambda: lambdas[0], ndcg: -1 };
  for (const lambda of lambdas) {
    const started = performance.now();
    const model = trainEase(matrix, { lambda });
    const recommender = new ItemItemRecommender(model);
    const rankings = new Map<string, number[]>();
    const relevant = new Map<string, ReadonlySet<number>>();
    valUsers.forEach((u, i) => {
      rankings.set(
        String(i),
        recommender.recommend(u.history, { limit: 10 }).map((r) => r.movieId),
      );
      relevant.set(String(i), u.relevant);
    });
    const ev = evaluateRankings(rankings, relevant, 10);
    const ndcg = ev.perUser.ndcg.reduce((a, b) => a + b, 0) / ev.users.length;
    progress.log(
      `  validation EASE λ=${lambda}: NDCG@10 ${
        ndcg.toFixed(4)
      } (${model.items.length} items, ${
        Math.round(performance.now() - started)
      } ms)`,
    );
    if (ndcg > best.ndcg) best = { lambda, ndcg };
  }
  return best.lambda;
}

function validationUsers(
  valSplit: Split,
): { users: ValidationUser[]; train: Interaction[] } {
  return { users: validationUsersOf(valSplit), train: valSplit.train };
}

/**
 * Runs one protocol end to end and returns per-method metrics with
 * bootstrap intervals over users.
 */
export function evaluateProtocol(
  ratings: Interaction[],
  catalogueIds: number[],
  options: EvalOptions,
): ProtocolResult {
  const { protocol, ks, seed, progress } = options;
  const samples = options.bootstrapSamples ?? 1000;
  const maxK = Math.max(...ks);
  const split = splitFor(protocol, ratings, seed);
  const histories = byUser(split.train);
  const relevant = relevantByUser(split.test);
  const testUsers = [...new Set(split.test.map((r) => r.userId))];
  progress.log(
    `[${protocol}] train ${split.train.length} ratings, test ${split.test.length} ratings, ` +
      `${relevant.size} of ${testUsers.length} test users have relevant items`,
  );

  // Validation split carved from the training data only.
  const val = validationUsers(splitFor(protocol, split.train, seed + 1));
  const lambdas = options.lambdas ?? [100, 250, 500, 1000];
  let started = performance.now();
  const lambda = chooseLambda(val.train, val.users, lambdas, progress);
  const embeddingNames = Object.keys(options.embeddings);
  const hybridEmbedding = options.hybridEmbedding ?? embeddingNames[0];
  const content = options.embeddings[hybridEmbedding] ?? null;
  const valParts = trainHybridParts(val.train, { lambda, content });
  const task = progress.task(`[${protocol}] tune hybrid`, 0, "trials");
  const tuned = tuneHybrid(valParts, HYBRID_DEFAULTS, val.users, {
    grid: DEFAULT_HYBRID_GRID,
    onTrial: () => task.advance(1),
  });
  task.done();
  let learnedValidation: ProtocolResult["learnedValidation"];
  if (options.learned ?? true) {
    const learnedStart = performance.now();
    const fit = learnHybridBlend(valParts, tuned.params, val.users, {
      seed,
      log: (line) => progress.log(`[${protocol}]${line}`),
    });
    progress.log(
      `[${protocol}] learned blend ${
        fit.learned ? "kept" : "not kept"
      }: cross-validated NDCG@10 ${
        fit.learnedNdcg.toFixed(4)
      } vs tuned formula ${fit.baseNdcg.toFixed(4)} (${
        Math.round(performance.now() - learnedStart)
      } ms)`,
    );
    tuned.params = { ...tuned.params, learned: fit.learned };
    learnedValidation = {
      learnedNdcg: fit.learnedNdcg,
      baseNdcg: fit.baseNdcg,
    };
  }
  const shortTask = progress.task(
    `[${protocol}] tune short histories`,
    0,
    "trials",
  );
  const short = tuneShortHistory(split.train, {
    long: tuned.params,
    lambda,
    content,
    grid: DEFAULT_HYBRID_GRID,
    seed: seed + 2,
    onTrial: () => shortTask.advance(1),
  });
  shortTask.done();
  if (short) {
    progress.log(
      `[${protocol}] short histories: validation NDCG@10 ${
        short.validationNdcg.toFixed(4)
      } on ${short.users} simulated new users, ${
        short.longValidationNdcg.toFixed(4)
      } with the long-history settings`,
    );
  }
  const tuneMs = performance.now() - started;
  progress.log(
    `[${protocol}] validation: λ=${lambda}, hybrid NDCG@10 ${
      tuned.ndcg.toFixed(4)
    } with ${JSON.stringify({ ...tuned.params, learned: undefined })}`,
  );

  // Final models on the full training split.
  const methods: { recommender: Recommender; trainMs: number }[] = [];
  const timed = (make: () => Recommender, extraMs = 0) => {
    const t = performance.now();
    const recommender = make();
    methods.push({ recommender, trainMs: performance.now() - t + extraMs });
  };
  timed(() => new RandomRecommender(catalogueIds, seed));
  const stats = movieStats(
    catalogueIds,
    split.train.map((r) => r.movieId),
    split.train.map((r) => r.value ?? 0),
  );
  timed(() => new PopularityRecommender(stats));
  // Most rated: the raw-count baseline, for comparison with the Bayesian one.
  timed(() =>
    new PopularityRecommender(stats, {
      name: "most-rated",
      score: (s) => s.ratingCount,
    })
  );
  // What the API serves a user with no history.
  timed(() => coldStartRecommender(stats, "most-liked"));
  for (const name of embeddingNames) {
    timed(() =>
      Object.assign(new ContentRecommender(options.embeddings[name]), {
        name: `content-${name}`,
      })
    );
  }
  const matrix = buildInteractionMatrix(split.train);
  started = performance.now();
  const itemknn = trainItemKnn(matrix);
  const knnMs = performance.now() - started;
  started = performance.now();
  const ease = trainEase(matrix, { lambda });
  const easeMs = performance.now() - started;
  started = performance.now();
  const liked = trainEase(
    buildInteractionMatrix(split.train, { minRating: RELEVANT_RATING }),
    { lambda },
  );
  const likedMs = performance.now() - started;
  started = performance.now();
  const sequence = trainSequence(split.train);
  const sequenceMs = performance.now() - started;
  progress.log(
    `[${protocol}] trained item-kNN in ${
      Math.round(knnMs)
    } ms, EASE (${ease.items.length} movies) in ${Math.round(easeMs)} ms`,
  );
  timed(() => new ItemItemRecommender(itemknn), knnMs);
  timed(() => new ItemItemRecommender(ease), easeMs);
  timed(
    () =>
      Object.assign(
        new ItemItemRecommender(
          liked,
          (history) => likedOnly(history, collaborativeWeights(history)),
        ),
        { name: "ease-liked" },
      ),
    likedMs,
  );
  timed(
    () =>
      new ItemItemRecommender(
        sequence,
        (history) => sequenceWeights(history, tuned.params.sequenceDecay),
      ),
    sequenceMs,
  );
  timed(
    () => {
      const parts = {
        ease,
        liked,
        itemknn,
        sequence,
        content,
        timeline: RatingTimeline.fromInteractions(split.train),
      };
      const long = new HybridRecommender(parts, tuned.params);
      // As served: short histories get their own settings.
      return short
        ? new HistoryLengthRouter(
          new HybridRecommender(parts, short.params),
          long,
        )
        : long;
    },
    knnMs + easeMs + likedMs + sequenceMs + tuneMs,
  );

  // Rank for every test user with relevant items, once per method at max k.
  const users = [...relevant.keys()];
  const popularity = popularityRanks(countsOf(split.train));
  const results: MethodResult[] = [];
  const rankingsByMethod: Map<string, number[]>[] = [];
  for (const { recommender, trainMs } of methods) {
    const t = performance.now();
    const rankings = new Map<string, number[]>();
    const ranking = progress.task(
      `[${protocol}] ${recommender.name}`,
      users.length,
      "users",
    );
    for (const user of users) {
      const history = histories.get(user) ?? [];
      rankings.set(
        user,
        recommender.recommend(history, { limit: maxK }).map((r) => r.movieId),
      );
      ranking.advance(1);
    }
    ranking.done();
    rankingsByMethod.push(rankings);
    results.push({
      name: recommender.name,
      trainMs,
      recommendMs: performance.now() - t,
      byK: {},
    });
  }
  const hybridIndex = results.findIndex((r) => r.name === "hybrid");
  for (const k of ks) {
    const evaluations = rankingsByMethod.map((r) =>
      evaluateRankings(r, relevant, k)
    );
    results.forEach((result, m) => {
      const ev = evaluations[m];
      const metrics = {} as Record<UserMetricName, Interval>;
      for (const name of userMetricNames) {
        metrics[name] = bootstrapInterval(ev.perUser[name], {
          seed: seed + k,
          samples,
        });
      }
      const at: MethodAtK = {
        metrics,
        coverage: catalogueCoverage(
          rankingsByMethod[m].values(),
          k,
          catalogueIds.length,
        ),
        novelty: meanPopularityRank(
          rankingsByMethod[m].values(),
          k,
          popularity,
        ),
      };
      if (m !== hybridIndex && hybridIndex >= 0) {
        at.hybridMinusThis = bootstrapDifference(
          evaluations[hybridIndex].perUser.ndcg,
          ev.perUser.ndcg,
          { seed: seed + k, samples },
        );
      }
      result.byK[k] = at;
    });
  }
  return {
    protocol,
    users: users.length,
    excludedUsers: testUsers.length - users.length,
    trainRatings: split.train.length,
    testRatings: split.test.length,
    relevantItems: [...relevant.values()].reduce((a, s) => a + s.size, 0),
    catalogue: catalogueIds.length,
    easeLambda: lambda,
    easeItems: ease.items.length,
    easeBuildMs: easeMs,
    hybridParams: tuned.params,
    validationNdcg: tuned.ndcg,
    shortHistory: short
      ? {
        params: short.params,
        validationNdcg: short.validationNdcg,
        longValidationNdcg: short.longValidationNdcg,
        users: short.users,
      }
      : undefined,
    learnedValidation,
    methods: results,
  };
}
