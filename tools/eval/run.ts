/**
 * One protocol end to end: split; train the served models on the training
 * split with the pipeline's own procedure and assemble them as the API does
 * (serving/recommender.ts), so the "hybrid" row is what users get; add the
 * baselines, each served part alone, and (optionally) research methods;
 * rank for every test user and score with bootstrap intervals. The
 * onboarding protocol has a module of its own (onboarding_protocol.ts).
 */
import { ItemItemRecommender } from "../../core/models/item_item_model.ts";
import {
  collaborativeWeights,
  likedOnly,
} from "../../core/models/item_item_model.ts";
import { sequenceWeights } from "../../core/models/sequence.ts";
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
  RECENT_DAYS,
  recentPopularRecommender,
  relevantByUser,
  splitFor,
  type SplitProtocol,
} from "./protocols.ts";
import {
  type LearnedValidation,
  researchMethods,
  type RetunedSettings,
  servedWithShortLimit,
} from "./research.ts";
import {
  type MethodResult,
  type RankedMethod,
  scoreMethods,
} from "./scoring.ts";

export {
  byUser,
  countsOf,
  NON_PERSONALISED,
  type Protocol,
  PROTOCOLS,
  RandomRecommender,
  RELEVANT_RATING,
  relevantByUser,
  splitFor,
} from "./protocols.ts";
export type { Effort, MethodAtK, MethodResult } from "./scoring.ts";

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

/** NDCG at the first k of each run of one protocol repeated over seeds. */
export interface SeedRepeats {
  k: number;
  seeds: number[];
  /** Mean NDCG@k per seed, by method (methods present in every run). */
  ndcg: Record<string, number[]>;
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
  /** The same protocol over other seeds (random protocol). */
  repeats?: SeedRepeats;
  /** Held-out users and their answering halves (onboarding protocol). */
  onboarding?: { heldOutUsers: number; meanAnswers: number };
}

/** A recommender with another name (the row's label). */
export function named<R extends Recommender>(recommender: R, name: string): R {
  return Object.assign(recommender, { name });
}

/** Prefixes every line with the protocol, for a readable log. */
export function tagged(progress: ProgressReporter, protocol: Protocol) {
  return {
    log: (message: string) => progress.log(`[${protocol}] ${message}`),
    task: (label: string, total: number, unit?: string) =>
      progress.task(`[${protocol}] ${label}`, total, unit),
  };
}

/**
 * The served hybrid as it would be measured before the time reference
 * became the serving time: each user served at their own last activity, a
 * signal that cannot act online (research row, for comparison).
 */
function atUsersTime(hybrid: Recommender): Recommender {
  return {
    name: "hybrid-at-user-time",
    recommend: (history, options) => {
      let last = -Infinity;
      for (const i of history) last = Math.max(last, i.timestamp);
      return hybrid.recommend(history, { ...options, now: last });
    },
  };
}

/** Ranks every user with each recommender, timed, with progress. */
export function rankAll(
  recommenders: { recommender: Recommender; trainMs: number }[],
  users: { id: string; history: Interaction[] }[],
  options: { maxK: number; progress: ProgressReporter; protocol: Protocol },
): RankedMethod[] {
  return recommenders.map(({ recommender, trainMs }) => {
    const t = performance.now();
    const rankings = new Map<string, number[]>();
    const ranking = options.progress.task(
      `[${options.protocol}] ${recommender.name}`,
      users.length,
      "users",
    );
    for (const { id, history } of users) {
      rankings.set(
        id,
        recommender.recommend(history, { limit: options.maxK }).map((r) =>
          r.movieId
        ),
      );
      ranking.advance(1);
    }
    ranking.done();
    return {
      name: recommender.name,
      trainMs,
      recommendMs: performance.now() - t,
      rankings,
    };
  });
}

/** What `trainServed` gives a protocol. */
export interface ServedOnSplit {
  /** The served embedding's matrix (null without one). */
  content: EmbeddingMatrix | null;
  stats: ReturnType<typeof movieStats>;
  /** What the API serves a user with no history. */
  mostLiked: Recommender;
  served: ReturnType<typeof trainServingModels>;
  servedMs: number;
}

/**
 * Trains what the API would serve on a protocol's training ratings, as the
 * pipeline trains it, with the statistics and the cold-start list.
 */
export function trainServed(
  train: Interaction[],
  options: EvalOptions & { protocol: Protocol },
): ServedOnSplit {
  const { protocol, progress, catalogueIds } = options;
  const content = options.embeddings[options.servedEmbedding] ?? null;
  const stats = movieStats(catalogueIds, {
    ratedMovieIds: train.map((r) => r.movieId),
    ratings: train.map((r) => r.value ?? 0),
  });
  const mostLiked = coldStartRecommender(stats, "most-liked");
  const started = performance.now();
  const served = trainServingModels(train, {
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
  return { content, stats, mostLiked, served, servedMs };
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
  options: EvalOptions & { protocol: SplitProtocol },
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
  const { content, stats, mostLiked, served, servedMs } = trainServed(
    split.train,
    { ...options, protocol },
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
  add(recentPopularRecommender(split.train, RECENT_DAYS));
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
  const hybrid = assembleRecommender("hybrid", {
    models: served,
    content,
    popular: mostLiked,
  })!;
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
    add(atUsersTime(hybrid), servedMs);
    add(servedWithShortLimit(served, content, 10), servedMs);
  }
  add(hybrid, servedMs);

  // Rank for every test user with relevant items, once per method at max k.
  const users = [...relevant.keys()].map((id) => ({
    id,
    history: histories.get(id) ?? [],
  }));
  const ranked = rankAll(methods, users, { maxK, progress, protocol });
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
    methods: scoreMethods(ranked, {
      relevant,
      ks,
      seed,
      samples,
      catalogueSize: catalogueIds.length,
      counts: countsOf(split.train),
    }),
  };
}
