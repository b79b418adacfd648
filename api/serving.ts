/**
 * What serving needs, built once at start-up from the store: the catalogue
 * (titles and genres, for filters and explanations), the embedding matrix,
 * the personalised recommender chosen by `RECOMMENDER` and the popularity
 * fallback. Nothing here runs per request except `similar`.
 * @module
 */
import type { Config } from "../config/mod.ts";
import {
  ContentRecommender,
  PopularityRecommender,
  rowIndex,
  similarMovies,
} from "../core/mod.ts";
import type { Recommender } from "../core/recommender.ts";
import type { EmbeddingMatrix, ScoredMovie } from "../core/types.ts";
import type { Store } from "../store/types.ts";
import type { Logger } from "./logger.ts";

/** The catalogue facts serving looks up per candidate. */
export interface CatalogEntry {
  title: string;
  year: number | null;
  genres: string[];
}

/** Everything a request needs that does not change between requests. */
export interface Serving {
  /** The personalised recommender (content, or a plugged-in model). */
  recommender: Recommender;
  /** Cold-start fallback. */
  popular: Recommender;
  catalog: Map<number, CatalogEntry>;
  /** Embedding model whose matrix is loaded, or null. */
  embeddingModel: string | null;
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

/**
 * The plug-in point for recommendation methods: collaborative and hybrid
 * models register here (see `registerRecommender`). Content and popularity
 * are always available.
 */
export const recommenderFactories: Partial<
  Record<RecommenderName, RecommenderFactory>
> = {
  content: ({ matrix }) =>
    Promise.resolve(matrix ? new ContentRecommender(matrix) : null),
  popular: ({ popular }) => Promise.resolve(popular),
};

/** Adds or replaces the factory of a recommender name. */
export function registerRecommender(
  name: RecommenderName,
  factory: RecommenderFactory,
): void {
  recommenderFactories[name] = factory;
}

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
    const factory = recommenderFactories[candidate];
    const recommender = factory ? await factory(inputs) : null;
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

/** Embedding models tried, the configured one first. */
function embeddingModels(config: Config): string[] {
  return [...new Set([config.EMBEDDER, "minilm", "tfidf"])];
}

/**
 * Loads the catalogue and embeddings and chooses the recommender.
 *
 * @example
 * const serving = await buildServing(store, config);
 * serving.recommender.recommend(history, { limit: 10 });
 */
export async function buildServing(
  store: Store,
  config: Config,
  logger?: Logger,
): Promise<Serving> {
  const movies = await store.movies.getMany(await store.movies.ids());
  const catalog = new Map<number, CatalogEntry>();
  for (const m of movies) {
    catalog.set(m.id, { title: m.title, year: m.year, genres: m.genres });
  }
  const popular = new PopularityRecommender(
    movies.map((m) => ({
      movieId: m.id,
      bayesianScore: m.bayesianScore,
      ratingCount: m.ratingCount,
    })),
  );
  let matrix: EmbeddingMatrix | null = null;
  let embeddingModel: string | null = null;
  for (const model of embeddingModels(config)) {
    matrix = await store.embeddings.load(model);
    if (matrix) {
      embeddingModel = model;
      break;
    }
  }
  const recommender = await selectRecommender(
    config.RECOMMENDER,
    { store, config, matrix, popular },
    logger,
  );
  const index = matrix ? rowIndex(matrix) : null;
  logger?.info("Serving ready", {
    movies: catalog.size,
    embeddingModel,
    recommender: recommender.name,
  });
  return {
    recommender,
    popular,
    catalog,
    embeddingModel,
    async similar(movieId, limit) {
      const stored = await store.neighbours.get(movieId, limit);
      if (stored.length > 0 || !matrix || !index) return stored;
      return similarMovies(matrix, index, movieId, limit);
    },
  };
}
