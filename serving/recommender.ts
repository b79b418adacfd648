/**
 * The served recommender: the one module that reads `RECOMMENDER` and
 * assembles trained models into what users get — the hybrid with its
 * short-history settings behind a history-length router, or one
 * collaborative model with content for movies nobody rated, or content, or
 * popularity — for the API and the evaluation alike.
 */
import type { Config } from "../config/mod.ts";
import { ItemItemRecommender } from "../core/models/item_item_model.ts";
import { ContentRecommender } from "../core/recommenders/content.ts";
import { FallbackRecommender } from "../core/recommenders/fallback.ts";
import { HistoryLengthRouter } from "../core/recommenders/history_router.ts";
import {
  HYBRID_DEFAULTS,
  HybridRecommender,
} from "../core/recommenders/hybrid.ts";
import type {
  Recommendation,
  Recommender,
  RecommendOptions,
} from "../core/recommender.ts";
import type { ServingModels } from "../core/training/serving_models.ts";
import type { EmbeddingMatrix, Interaction } from "../core/types.ts";
import type { ServingLogger } from "./log.ts";
import { VectorContentRecommender } from "./vector_content.ts";
import type { VectorIndex } from "./vector_search.ts";

/** Names `RECOMMENDER` accepts. */
export type RecommenderName = Config["RECOMMENDER"];

/** What a recommender is assembled from. */
export interface RecommenderInputs {
  /** The trained models; null when training never ran. */
  models: ServingModels | null;
  /** The embeddings of the model the hybrid was trained with; null: none. */
  content: EmbeddingMatrix | null;
  /** Cold start: the movies most users liked. */
  popular: Recommender;
}

/**
 * The recommender `name` stands for, built from `inputs`, or null when what
 * it needs is missing (no trained models, no embeddings).
 *
 * @example
 * ```ts
 * const hybrid = assembleRecommender("hybrid", { models, content, popular });
 * hybrid?.recommend(history, { limit: 10 });
 * ```
 */
export function assembleRecommender(
  name: RecommenderName,
  inputs: RecommenderInputs,
): Recommender | null {
  const { models, content, popular } = inputs;
  switch (name) {
    case "popular":
      return popular;
    case "content":
      return content ? new ContentRecommender(content) : null;
    case "ease":
    case "itemknn":
      return models
        ? new FallbackRecommender(
          new ItemItemRecommender(models[name]),
          content ? new ContentRecommender(content) : null,
        )
        : null;
    case "hybrid":
      return models ? servedHybrid(models, content) : null;
  }
}

/**
 * The served hybrid: long-history settings, and with tuned short-history
 * settings a router in front that sends histories of at most `maxShort`
 * movies (default: the tuned `maxHistory`) to them, and onboarding answers
 * to their own settings. The hybrids share the models; each keeps only its
 * own scoring buffers.
 *
 * @example
 * ```ts
 * const hybrid = servedHybrid(models, content);
 * ```
 */
export function servedHybrid(
  models: ServingModels,
  content: EmbeddingMatrix | null,
  options: { maxShort?: number } = {},
): Recommender {
  const parts = { ...models, content };
  const { params, short } = models.settings;
  const long = new HybridRecommender(parts, { ...HYBRID_DEFAULTS, ...params });
  if (!short) return long;
  return new HistoryLengthRouter({
    short: new HybridRecommender(parts, {
      ...HYBRID_DEFAULTS,
      ...short.params,
    }),
    onboarded: short.onboarded
      ? new HybridRecommender(parts, {
        ...HYBRID_DEFAULTS,
        ...short.onboarded.params,
      })
      : undefined,
    long,
    maxShort: options.maxShort ?? short.maxHistory,
  });
}

/**
 * A recommender serving awaits: the core ones answer synchronously, the
 * `$vectorSearch` one (`VectorContentRecommender`) asynchronously.
 */
export interface ServingRecommender {
  readonly name: string;
  recommend(
    history: Interaction[],
    options: RecommendOptions,
  ): Recommendation[] | Promise<Recommendation[]>;
}

/** Inputs of `chooseRecommender`. */
export interface ChooseRecommenderInputs extends RecommenderInputs {
  /** Atlas Vector Search, when the matrix stays in Atlas (no `content`). */
  atlas?: VectorIndex | null;
  logger?: ServingLogger;
}

/**
 * The recommender `RECOMMENDER` asks for, falling back to content and then
 * to popularity when what it needs is missing; logs what it chose and why.
 * With the matrix in Atlas, content similarity goes through `$vectorSearch`
 * instead of falling back to popularity.
 *
 * @example
 * ```ts
 * const recommender = chooseRecommender(config, { models, content, popular });
 * ```
 */
export function chooseRecommender(
  config: Config,
  inputs: ChooseRecommenderInputs,
): ServingRecommender {
  const requested = config.RECOMMENDER;
  const { atlas, logger } = inputs;
  if (atlas && requested === "content") {
    return new VectorContentRecommender(atlas);
  }
  for (const name of [requested, "content", "popular"] as const) {
    const recommender = assembleRecommender(name, inputs);
    if (!recommender) continue;
    if (atlas && recommender === inputs.popular && requested !== "popular") {
      logger?.info("Using content recommendations through $vectorSearch", {
        requested,
      });
      return new VectorContentRecommender(atlas);
    }
    if (name !== requested) {
      logger?.warning("Recommender unavailable; using a fallback", {
        requested,
        using: recommender.name,
      });
    }
    return recommender;
  }
  return inputs.popular;
}
