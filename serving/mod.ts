/**
 * What serving needs, built once at start-up: the catalogue (titles and
 * genres, for filters and explanations) from the store, the embeddings from
 * the serving artifact or the store (serving/embeddings.ts), where
 * similarity search runs (in memory or Atlas, serving/vector_search.ts), the
 * personalised recommender chosen by `RECOMMENDER` and the popularity
 * fallback. Nothing here runs per request except `similar`.
 * @module
 */
import type { Config } from "../config/mod.ts";
import {
  coldStartRecommender,
  ContentRecommender,
  likedCount,
  type PopularityStats,
} from "../core/mod.ts";
import type {
  Recommendation,
  Recommender,
  RecommendOptions,
} from "../core/recommender.ts";
import type {
  EmbeddingMatrix,
  Interaction,
  ScoredMovie,
} from "../core/types.ts";
import type { ObjectStorage, Store } from "../store/types.ts";
import { loadCollaborative } from "../store/models.ts";
import type { Logger } from "../api/logger.ts";
import { loadServingEmbeddings, type ServingEmbeddings } from "./embeddings.ts";
import { VectorContentRecommender } from "./vector_content.ts";
import {
  chooseVectorSearch,
  MemoryVectorIndex,
  type VectorIndex,
} from "./vector_search.ts";

/** The catalogue facts serving looks up per candidate. */
export interface CatalogEntry {
  title: string;
  year: number | null;
  genres: string[];
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

/** Everything a request needs that does not change between requests. */
export interface Serving {
  /** The personalised recommender (content, or a plugged-in model). */
  recommender: ServingRecommender;
  /** Cold-start fallback. */
  popular: Recommender;
  catalog: Map<number, CatalogEntry>;
  /** Embedding model searched, or null. */
  embeddingModel: string | null;
  /**
   * Where the embeddings came from: the serving artifact, the store's rows,
   * Atlas (searched in place, never loaded) or nowhere.
   */
  embeddingSource: ServingEmbeddings["source"] | "atlas";
  /** Similar movies: precomputed neighbours, else computed from the matrix. */
  similar(movieId: number, limit: number): Promise<ScoredMovie[]>;
}

/** Names `RECOMMENDER` accepts. */
export type RecommenderName = Config["RECOMMENDER"];

/** What a recommender factory can build from. */
export interface RecommenderInputs {
  store: Store;
  config: Config;
  matrix: EmbeddingMatrix | null;
  popular: Recommender;
}

/**
 * Builds one kind of recommender, or returns null when its artifact is
 * missing (e.g. no trained model in the store yet).
 */
export type RecommenderFactory = (
  inputs: RecommenderInputs,
) => Promise<Recommender | null>;

/** Builds a collaborative recommender from the models the pipeline trained. */
const collaborative = (
  name: "hybrid" | "ease" | "itemknn",
): RecommenderFactory =>
({ store, matrix }) => loadCollaborative(store, name, matrix);

/**
 * How each recommendation method is built. Collaborative models come from
 * the pipeline's precompute step (null when it never ran); content and
 * popularity are always available.
 */
export const recommenderFactories: Record<RecommenderName, RecommenderFactory> =
  {
    hybrid: collaborative("hybrid"),
    ease: collaborative("ease"),
    itemknn: collaborative("itemknn"),
    // With VECTOR_SEARCH=atlas there is no matrix: content then runs through
    // $vectorSearch (`VectorContentRecommender`, chosen in buildServing).
    content: ({ matrix }) =>
      Promise.resolve(matrix ? new ContentRecommender(matrix) : null),
    popular: ({ popular }) => Promise.resolve(popular),
  };

/**
 * The recommender `name` asks for, falling back to content and then to
 * popularity when an artifact is missing; logs what it chose and why.
 */
export async function selectRecommender(
  name: RecommenderName,
  inputs: RecommenderInputs,
  logger?: Logger,
): Promise<Recommender> {
  const order: RecommenderName[] = [name, "content", "popular"];
  for (const candidate of order) {
    const recommender = await recommenderFactories[candidate](inputs);
    if (recommender) {
      if (candidate !== name) {
        logger?.warning("Recommender unavailable; using a fallback", {
          requested: name,
          using: recommender.name,
        });
      }
      return recommender;
    }
  }
  return inputs.popular;
}

/** Movies read per `getMany` call while loading the catalogue. */
const CATALOG_PAGE = 2_000;

/**
 * The catalogue and popularity inputs, read a page of movies at a time:
 * full records (tags, links, histograms) are dropped page by page, so a
 * large catalogue never sits in memory whole, and genre names are shared
 * between movies rather than held once per movie.
 */
async function loadCatalog(store: Store): Promise<{
  catalog: Map<number, CatalogEntry>;
  scores: PopularityStats[];
}> {
  const ids = await store.movies.ids();
  const catalog = new Map<number, CatalogEntry>();
  const scores = [];
  const genreNames = new Map<string, string>();
  const shared = (genre: string) => {
    const known = genreNames.get(genre);
    if (known !== undefined) return known;
    genreNames.set(genre, genre);
    return genre;
  };
  for (let from = 0; from < ids.length; from += CATALOG_PAGE) {
    const page = await store.movies.getMany(
      ids.slice(from, from + CATALOG_PAGE),
    );
    for (const m of page) {
      catalog.set(m.id, {
        title: m.title,
        year: m.year,
        genres: m.genres.map(shared),
      });
      scores.push({
        movieId: m.id,
        ratingCount: m.ratingCount,
        // One number per movie: the histograms go with their records.
        likedCount: likedCount(m.ratingHistogram),
      });
    }
  }
  return { catalog, scores };
}

/** Options of `buildServing`. */
export interface BuildServingOptions {
  logger?: Logger;
  /**
   * Object storage holding the serving artifact (`openObjectStorage`);
   * without it, embeddings come from the store.
   */
  objects?: ObjectStorage;
}

/**
 * The personalised recommender. With the matrix in Atlas, content
 * similarity goes through `$vectorSearch` instead of falling back to
 * popularity; plugged-in recommenders that need no matrix still win.
 */
async function personalRecommender(
  config: Config,
  inputs: RecommenderInputs,
  index: VectorIndex | null,
  logger?: Logger,
): Promise<ServingRecommender> {
  const atlas = index?.kind === "atlas" ? index : null;
  if (atlas && config.RECOMMENDER === "content") {
    return new VectorContentRecommender(atlas);
  }
  const selected = await selectRecommender(config.RECOMMENDER, inputs, logger);
  if (
    atlas && selected === inputs.popular && config.RECOMMENDER !== "popular"
  ) {
    logger?.info("Using content recommendations through $vectorSearch", {
      requested: config.RECOMMENDER,
    });
    return new VectorContentRecommender(atlas);
  }
  return selected;
}

/**
 * Loads the catalogue and embeddings, chooses where search runs and the
 * recommender.
 *
 * @example
 * const serving = await buildServing(store, config, {
 *   objects: openObjectStorage(config),
 * });
 * await serving.recommender.recommend(history, { limit: 10 });
 */
export async function buildServing(
  store: Store,
  config: Config,
  options: BuildServingOptions = {},
): Promise<Serving> {
  const { logger } = options;
  const started = performance.now();
  const { catalog, scores } = await loadCatalog(store);
  const popular = coldStartRecommender(scores);
  const search = chooseVectorSearch({
    mode: config.VECTOR_SEARCH,
    store: store.kind,
    movies: catalog.size,
    minMovies: config.VECTOR_SEARCH_MIN_MOVIES,
  });
  logger?.info("Vector search", { ...search });
  let embeddings: ServingEmbeddings;
  let index: VectorIndex | null = null;
  if (search.use === "atlas") {
    // Loaded on demand so that local runs never load the MongoDB driver.
    const { atlasVectorIndex } = await import("./vector_search_atlas.ts");
    index = atlasVectorIndex(store, config.EMBEDDER);
    embeddings = {
      source: "none",
      model: config.EMBEDDER,
      matrix: null,
      neighbours: null,
    };
  } else {
    embeddings = await loadServingEmbeddings(store, config, options);
    if (embeddings.matrix && embeddings.model) {
      index = new MemoryVectorIndex(embeddings.matrix, embeddings.model);
    }
  }
  const { matrix, neighbours } = embeddings;
  const recommender = await personalRecommender(
    config,
    { store, config, matrix, popular },
    index,
    logger,
  );
  const embeddingSource = index?.kind === "atlas" ? "atlas" : embeddings.source;
  logger?.info("Serving ready", {
    movies: catalog.size,
    embeddingModel: embeddings.model,
    embeddingSource,
    recommender: recommender.name,
    ms: Math.round(performance.now() - started),
  });
  return {
    recommender,
    popular,
    catalog,
    embeddingModel: embeddings.model,
    embeddingSource,
    async similar(movieId, limit) {
      // Precomputed lists first (memory, then one store read), search last.
      const packed = neighbours?.get(movieId, limit);
      if (packed?.length) return packed;
      const stored = await store.neighbours.get(movieId, limit);
      if (stored.length > 0 || !index) return stored;
      return await index.similar(movieId, limit);
    },
  };
}
