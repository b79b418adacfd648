/**
 * Serving: the one place that turns what the pipeline stored into what
 * users get, built once at start-up — the catalogue (serving/catalog.ts),
 * the embeddings the served models were trained with
 * (serving/embeddings.ts), where similarity search runs
 * (serving/vector_search.ts), the recommender (serving/recommender.ts) and
 * the cold-start fallback, and the onboarding questionnaire
 * (serving/onboarding.ts). Per request, `recommendForUser`
 * (serving/recommend.ts), `similar` and the questionnaire answer from
 * memory.
 * @module
 */
import type { Config } from "../config/mod.ts";
import { coldStartRecommender } from "../core/recommenders/popular.ts";
import type { Questionnaire } from "../core/onboarding/questionnaire.ts";
import type { Recommender } from "../core/recommender.ts";
import type { ScoredMovie } from "../core/types.ts";
import { loadServingModels } from "../store/models.ts";
import type { ObjectStorage, Store } from "../store/types.ts";
import { type CatalogEntry, loadCatalog } from "./catalog.ts";
import {
  loadServingEmbeddings,
  servedEmbeddingModel,
  type ServingEmbeddings,
} from "./embeddings.ts";
import {
  prepareDescriptionMatcher,
  storedQueryEmbedding,
} from "./description_matcher.ts";
import { DescriptionSearch } from "./description_search.ts";
import { type SteeredOptions, steeredSimilar } from "./steered_similar.ts";
import { textTones } from "../core/recommenders/tone.ts";
import type { ServingLogger } from "./log.ts";
import { assembleQuestionnaire } from "./onboarding.ts";
import {
  assembleRecommender,
  chooseRecommender,
  type RecommenderName,
  type ServingRecommender,
} from "./recommender.ts";
import {
  MemoryVectorIndex,
  type VectorIndex,
  vectorSearchFor,
} from "./vector_search.ts";

export type { CatalogEntry } from "./catalog.ts";
export type { ServingRecommender } from "./recommender.ts";

/** Everything a request needs that does not change between requests. */
export interface Serving {
  /** The personalised recommender (content, or a plugged-in model). */
  recommender: ServingRecommender;
  /** Cold-start fallback. */
  popular: Recommender;
  /** Which movies to ask a new user about next. */
  questionnaire: Questionnaire;
  catalog: Map<number, CatalogEntry>;
  /** Embedding model searched, or null. */
  embeddingModel: string | null;
  /**
   * Where the embeddings came from: the serving artifact, the store's rows,
   * Atlas (searched in place, never loaded) or nowhere.
   */
  embeddingSource: ServingEmbeddings["source"] | "atlas";
  /** Search by description, blended with titles and popularity. */
  search: DescriptionSearch;
  /**
   * Builds the search indexes, which no recommendation needs, off the
   * start path (call it once the server listens; await it before stopping).
   */
  prepareInBackground(): Promise<void>;
  /** Similar movies: precomputed neighbours, else computed from the matrix. */
  similar(movieId: number, limit: number): Promise<ScoredMovie[]>;
  /** Similar movies steered ("newer", "lighter", …) or narrowed to a genre. */
  steered(movieId: number, options: SteeredOptions): Promise<ScoredMovie[]>;
}

/** Options of `buildServing`. */
export interface BuildServingOptions {
  logger?: ServingLogger;
  /**
   * Object storage holding the serving artifact (`openObjectStorage`);
   * without it, embeddings come from the store.
   */
  objects?: ObjectStorage;
}

/**
 * Loads the catalogue, the models and the embeddings; chooses where search
 * runs and the recommender.
 *
 * @example
 * ```ts
 * const serving = await buildServing(store, config, {
 *   objects: openObjectStorage(config),
 * });
 * await serving.recommender.recommend(history, { limit: 10 });
 * ```
 */
export async function buildServing(
  store: Store,
  config: Config,
  options: BuildServingOptions = {},
): Promise<Serving> {
  const { logger } = options;
  const started = performance.now();
  const model = await servedEmbeddingModel(store);
  const description = prepareDescriptionMatcher(
    await storedQueryEmbedding(store.meta, model, logger),
    { config, logger },
  );
  const { catalog, scores } = await loadCatalog(store, {
    onPage: description.addMovies,
  });
  const popular = coldStartRecommender(scores);
  const search = vectorSearchFor(config, {
    store: store.kind,
    movies: catalog.size,
  });
  logger?.info("Vector search", { ...search });
  let embeddings: ServingEmbeddings = {
    source: "none",
    model,
    matrix: null,
    neighbours: null,
  };
  let index: VectorIndex | null = null;
  if (search.use === "atlas" && model) {
    // Loaded on demand so that local runs never load the MongoDB driver.
    const { atlasVectorIndex } = await import("./vector_search_atlas.ts");
    index = atlasVectorIndex(store, model);
  } else if (search.use === "memory") {
    embeddings = await loadServingEmbeddings(store, {
      model,
      objects: options.objects,
      logger,
    });
    if (embeddings.matrix && embeddings.model) {
      index = new MemoryVectorIndex(embeddings.matrix, embeddings.model);
    }
  }
  const { matrix, neighbours } = embeddings;
  const models = await loadServingModels(store.meta);
  const recommender = chooseRecommender(config, {
    models,
    content: matrix,
    popular,
    atlas: index?.kind === "atlas" ? index : null,
    logger,
  });
  const embeddingSource = index?.kind === "atlas" ? "atlas" : embeddings.source;
  const matcher = description.finish(index);
  logger?.info("Serving ready", {
    movies: catalog.size,
    embeddingModel: embeddings.model,
    embeddingSource,
    recommender: recommender.name,
    searchModel: matcher?.model ?? null,
    ms: Math.round(performance.now() - started),
  });
  const ratingCounts = new Map(scores.map((s) => [s.movieId, s.ratingCount]));
  const similar = async (movieId: number, limit: number) => {
    // Precomputed lists first (memory, then one store read), search last.
    const packed = neighbours?.get(movieId, limit);
    if (packed?.length) return packed;
    const stored = await store.neighbours.get(movieId, limit);
    if (stored.length > 0 || !index) return stored;
    return await index.similar(movieId, limit);
  };
  const descriptionSearch = new DescriptionSearch({
    catalog,
    ratingCounts,
    matcher,
    movies: (ids) => store.movies.getMany(ids),
  });
  return {
    recommender,
    popular,
    questionnaire: assembleQuestionnaire({ models, ratingCounts: scores }),
    catalog,
    embeddingModel: embeddings.model,
    embeddingSource,
    search: descriptionSearch,
    prepareInBackground: () => descriptionSearch.prepareInBackground(),
    similar,
    steered: steeredSimilar({
      catalog,
      ratingCounts,
      // In Atlas (no matrix in memory) tone comes from genres alone.
      textTones: matrix
        ? () => textTones(matrix, (id) => catalog.get(id)?.genres)
        : undefined,
      // A wide pool from the index; the precomputed lists without one.
      nearest: (movieId, k) =>
        index ? index.similar(movieId, k) : similar(movieId, k),
    }),
  };
}

/**
 * The recommender `name` as the API would serve it from `store` (without
 * fallbacks): for tests and tools that need it outside a server. Throws
 * naming what is missing.
 *
 * @example
 * ```ts
 * const hybrid = await loadRecommender(store, "hybrid");
 * hybrid.recommend(history, { limit: 10 });
 * ```
 */
export async function loadRecommender(
  store: Store,
  name: RecommenderName,
): Promise<Recommender> {
  const { scores } = await loadCatalog(store);
  const model = await servedEmbeddingModel(store);
  const recommender = assembleRecommender(name, {
    models: await loadServingModels(store.meta),
    content: model ? await store.embeddings.load(model) : null,
    popular: coldStartRecommender(scores),
  });
  if (recommender) return recommender;
  throw new Error(
    name === "content"
      ? "Cannot serve content recommendations: expected stored embeddings, found none (run `deno task pipeline`)"
      : `Cannot load the trained models for "${name}": expected them in the store, found none or only some (run \`deno task pipeline\` to train them)`,
  );
}
