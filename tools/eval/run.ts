/**
 * One protocol end to end: split; train the served models on the training
 * split with the pipeline's own procedure and assemble them as the API does
 * (serving/recommender.ts), so the "hybrid" row is what users get; add the
 * baselines, each served part alone, and (optionally) research methods;
 * rank for every test user and score with bootstrap intervals.
 */
import { ItemItemRecommender } from "../../core/models/item_item_model.ts";
import {
  collaborativeWeights,
  likedOnly,
} from "../../core/models/item_item_model.ts";
import { sequenceWeights } from "../../core/models/sequence.ts";
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
import { movieStats } from "../../core/movie_stats.ts";
import { ContentRecommender } from "../../core/recommenders/content.ts";
import {
  coldStartRecommender,
  PopularityRecommender,
} from "../../core/recommenders/popular.ts";
import type { Recommender } from "../../core/recommender.ts";
import {
  type HybridSettings,
  trainServingModels,
} from "../../core/training/serving_models.ts";
import type { EmbeddingMatrix, Interaction } from "../../core/types.ts";
import type { ProgressReporter } from "../../pipeline/progress.ts";
import { assembleRecommender } from "../../serving/recommender.ts";
import {
  byUser,
  countsOf,
  type Protocol,
  RandomRecommender,
  relevantByUser,
  splitFor,
} from "./protocols.ts";
import {
  type LearnedValidation,
  researchMethods,
  type RetunedSettings,
} from "./research.ts";

export {
  byUser,
  countsOf,
  type Protocol,
  PROTOCOLS,
  RandomRecommender,
  RELEVANT_RATING,
  relevantByUser,
  splitFor,
} from "./protocols.ts";

/** Options of `evaluateProtocol`. */
export interface EvalOptions {
  protocol: Protocol;
  /** Every movie id of the catalogue (candidates and coverage). */
  catalogueIds: number[];
  /** Cut-offs, e.g. [10, 20]. */
  ks: number[];
  seed: number;
  /** Content embeddings by embedder name (e.g. tfidf, minilm). */
  embeddings: Record<string, EmbeddingMatrix>;
  /** The embedding model the pipeline would serve with (`embeddingModel(config)`). */
  servedEmbedding: string;
  /** EASE λ values the research re-tuning tries. */
  lambdas?: number[];
  /** Movies need this many ratings to enter EASE (default 10, as served). */
  minCount?: number;
  /** Also evaluate the research methods (default true). */
  research?: boolean;
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
  /** The served hybrid: what training chose on this training split. */
  served: {
    settings: HybridSettings;
    easeItems: number;
    /** Time to train and tune every served model. */
    trainMs: number;
  };
  /** The research re-tuning (absent: research off). */
  retuned?: RetunedSettings;
  learnedValidation?: LearnedValidation;
  methods: MethodResult[];
}

/** A recommender with another name (the row's label). */
function named<R extends Recommender>(recommender: R, name: string): R {
  return Object.assign(recommender, { name });
}

/** Prefixes every line with the protocol, for a readable log. */
function tagged(progress: ProgressReporter, protocol: Protocol) {
  return {
    log: (message: string) => progress.log(`[${protocol}] ${message}`),
    task: (label: string, total: number, unit?: string) =>
      progress.task(`[${protocol}] ${label}`, total, unit),
  };
}

/**
 * Runs one protocol end to end and returns per-method metrics with
 * bootstrap intervals over users.
 *
 * @example
 * ```ts
 * const result = evaluateProtocol(ratings, { protocol: "temporal", catalogueIds, ks: [10],
 *   seed: 42, embeddings: { tfidf }, servedEmbedding: "tfidf", progress });
 * ```
 */
export function evaluateProtocol(
  ratings: Interaction[],
  options: EvalOptions,
): ProtocolResult {
  const { protocol, ks, seed, progress, catalogueIds } = options;
  const samples = options.bootstrapSamples ?? 1000;
  const maxK = Math.max(...ks);
  const split = splitFor(ratings, { protocol, seed });
  const histories = byUser(split.train);
  const relevant = relevantByUser(split.test);
  const testUsers = [...new Set(split.test.map((r) => r.userId))];
  progress.log(
    `[${protocol}] train ${split.train.length} ratings, test ${split.test.length} ratings, ` +
      `${relevant.size} of ${testUsers.length} test users have relevant items`,
  );
  const content = options.embeddings[options.servedEmbedding] ?? null;
  const stats = movieStats(catalogueIds, {
    ratedMovieIds: split.train.map((r) => r.movieId),
    ratings: split.train.map((r) => r.value ?? 0),
  });
  // What the API serves a user with no history.
  const mostLiked = coldStartRecommender(stats, "most-liked");

  const started = performance.now();
  const served = trainServingModels(split.train, {
    content,
    embeddingModel: content ? options.servedEmbedding : null,
    minCount: options.minCount,
    progress: tagged(progress, protocol),
  });
  const servedMs = performance.now() - started;
  progress.log(
    `[${protocol}] served models trained in ${
      (servedMs / 1000).toFixed(1)
    } s: λ=${served.settings.lambda}, validation NDCG@10 ${
      served.settings.validationNdcg?.toFixed(4)
    }`,
  );
  const methods: { recommender: Recommender; trainMs: number }[] = [];
  const add = (recommender: Recommender, trainMs = 0) =>
    methods.push({ recommender, trainMs });
  add(new RandomRecommender(catalogueIds, seed));
  add(new PopularityRecommender(stats));
  // Most rated: the raw-count baseline, for comparison with the Bayesian one.
  add(
    new PopularityRecommender(stats, {
      name: "most-rated",
      score: (s) => s.ratingCount,
    }),
  );
  add(mostLiked);
  for (const [name, matrix] of Object.entries(options.embeddings)) {
    add(named(new ContentRecommender(matrix), `content-${name}`));
  }
  // Each served part alone, as the hybrid feeds it.
  add(new ItemItemRecommender(served.itemknn));
  add(new ItemItemRecommender(served.ease));
  add(
    named(
      new ItemItemRecommender(
        served.liked,
        (history) => likedOnly(history, collaborativeWeights(history)),
      ),
      "ease-liked",
    ),
  );
  add(
    new ItemItemRecommender(
      served.sequence,
      (history) =>
        sequenceWeights(history, served.settings.params.sequenceDecay),
    ),
  );
  let research;
  if (options.research ?? true) {
    research = researchMethods(split.train, {
      protocol,
      seed,
      content,
      lambdas: options.lambdas ?? [100, 250, 500, 1000],
      minCount: options.minCount,
      progress,
    });
    add(research.retuned, research.trainMs);
    add(research.learned, research.trainMs);
  }
  const hybrid = assembleRecommender("hybrid", {
    models: served,
    content,
    popular: mostLiked,
  })!;
  add(hybrid, servedMs);

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
      evaluateRankings(r, { relevant, k })
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
        coverage: catalogueCoverage(rankingsByMethod[m].values(), {
          k,
          catalogueSize: catalogueIds.length,
        }),
        novelty: meanPopularityRank(rankingsByMethod[m].values(), {
          k,
          popularityRank: popularity,
        }),
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
    served: {
      settings: served.settings,
      easeItems: served.ease.items.length,
      trainMs: servedMs,
    },
    retuned: research?.settings,
    learnedValidation: research?.learnedValidation,
    methods: results,
  };
}
