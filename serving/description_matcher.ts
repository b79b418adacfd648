/**
 * How a search query meets the movies, with the embedder the pipeline used
 * for the served vectors, as it recorded it (store/query_embedding.ts):
 * TF-IDF from its stored vocabulary, searched exactly over the movies'
 * features (ready at start, no files); MiniLM against the served vectors,
 * the model loaded on the first query and kept — never on the start-up path.
 * @module
 */
import type { Config } from "../config/mod.ts";
import { SparseIndex } from "../core/search/sparse_index.ts";
import {
  matchedFeatures,
  matchQuery,
  phraseIndex,
} from "../core/text/query_features.ts";
import {
  movieFeatures,
  queryWeights,
  type TfidfVocabulary,
  tfidfWeights,
} from "../core/text/tfidf.ts";
import type { Movie, ScoredMovie } from "../core/types.ts";
import {
  loadQueryEmbedding,
  type QueryEmbedding,
} from "../store/query_embedding.ts";
import type { MetaStore } from "../store/types.ts";
import type { ServingLogger } from "./log.ts";
import type { VectorIndex } from "./vector_search.ts";

/** Finds the movies closest in meaning to a query. */
export interface DescriptionMatcher {
  /** The embedding model, e.g. "tfidf". */
  readonly model: string;
  /**
   * Builds what queries need off the request path (TF-IDF's index),
   * settling when it is built; a query that comes first waits for it.
   */
  prepareInBackground?(): Promise<void>;
  /**
   * Up to `k` movies by cosine similarity to the query (> 0), best first;
   * null when the query cannot be embedded (TF-IDF knows none of its
   * words, or the MiniLM model failed to load).
   */
  nearest(
    query: string,
    k: number,
    filter?: (movieId: number) => boolean,
  ): Promise<ScoredMovie[] | null>;
}

/** What TF-IDF reads of a movie, kept until it is indexed. */
type Indexable = Pick<Movie, "id" | "title" | "year" | "genres" | "tags">;

/** Movies indexed between two turns of the event loop while indexing. */
const INDEX_SLICE = 500;

/**
 * TF-IDF: the query's words read as genres, tags, title words and decades
 * of the stored vocabulary, weighted by rarity, searched exactly.
 *
 * `add` only queues a movie's words: the index is built off the start
 * path, a slice at a time between requests, once `prepareInBackground` is
 * called (or by the first query, which waits for it), so the API answers
 * its first requests without it.
 *
 * @example
 * const matcher = tfidfMatcher(vocabulary);
 * matcher.add(movies);
 * await matcher.nearest("space horror", 10);
 */
export function tfidfMatcher(
  vocabulary: TfidfVocabulary,
): DescriptionMatcher & { add(movies: readonly Movie[]): void } {
  let phrases: ReturnType<typeof phraseIndex> | null = null;
  const index = new SparseIndex();
  const queued: Indexable[] = [];
  let indexing: Promise<void> | null = null;
  const indexQueued = (): Promise<void> =>
    indexing ??= (async () => {
      try {
        phrases ??= phraseIndex(vocabulary.documentFrequency.keys());
        while (queued.length > 0) {
          // a turn of the event loop between slices: requests go first
          await new Promise((resolve) => setTimeout(resolve, 0));
          for (const movie of queued.splice(0, INDEX_SLICE)) {
            index.add(movie.id, tfidfWeights(vocabulary, movieFeatures(movie)));
          }
        }
      } finally {
        indexing = null;
      }
    })();
  return {
    model: "tfidf",
    add(movies) {
      for (const { id, title, year, genres, tags } of movies) {
        queued.push({ id, title, year, genres, tags });
      }
    },
    prepareInBackground: indexQueued,
    async nearest(query, k, filter) {
      if (queued.length > 0 || indexing) await indexQueued();
      phrases ??= phraseIndex(vocabulary.documentFrequency.keys());
      const weights = queryWeights(
        vocabulary,
        matchedFeatures(matchQuery(query, phrases)),
      );
      return weights.size === 0 ? null : index.search(weights, k, { filter });
    },
  };
}

/** Thrown when more queries wait for the model than it should queue. */
export class SearchBusyError extends Error {
  constructor(readonly waiting: number) {
    super(
      `Search by description is busy: ${waiting} queries are waiting for the model; try again in a moment`,
    );
    this.name = "SearchBusyError";
  }
}

/** Options of `minilmMatcher`. */
export interface MinilmMatcherOptions {
  /** The served MiniLM vectors. */
  index: VectorIndex;
  /** Hub id or folder under `modelDir`, as the pipeline recorded it. */
  name: string;
  dtype: string;
  modelDir: string;
  allowRemote: boolean;
  logger?: ServingLogger;
  /** After a failed load, queries wait this long before the next try (default 60 s). */
  retryAfterMs?: number;
  /** Queries allowed to wait for the model at once (default 16); more get `SearchBusyError`. */
  maxWaiting?: number;
  /** Clock in ms, for tests. */
  now?: () => number;
}

/**
 * MiniLM: the query embedded by the model the movies were embedded with,
 * loaded on the first query (module and weights) and kept. A failed load
 * is logged and retried at most once a `retryAfterMs`; meanwhile queries
 * get null (search falls back to titles). A burst of queries beyond
 * `maxWaiting` is refused (`SearchBusyError`) rather than queued without
 * bound.
 *
 * @example
 * const matcher = minilmMatcher({ index, name: "Xenova/all-MiniLM-L6-v2", dtype: "fp32", modelDir, allowRemote: false });
 */
export function minilmMatcher(
  options: MinilmMatcherOptions,
): DescriptionMatcher {
  const retryAfterMs = options.retryAfterMs ?? 60_000;
  const maxWaiting = options.maxWaiting ?? 16;
  const now = options.now ?? (() => performance.now());
  let waiting = 0;
  type Encode = (text: string) => Promise<Float32Array>;
  let encoder: Promise<Encode> | null = null;
  let failedAt: number | null = null;
  const load = async (): Promise<Encode> => {
    const started = now();
    // Imported here, so that serving starts without transformers.js and
    // onnxruntime: the pipeline's embedder, so queries and movies agree.
    const { minilmEmbedder, MINILM_ONNX_FILES } = await import(
      "../pipeline/embedders/minilm.ts"
    );
    const dtype = options.dtype;
    if (dtype !== "fp32" && dtype !== "q8") {
      throw new Error(
        `Cannot load MiniLM with dtype "${dtype}": expected one of ${
          Object.keys(MINILM_ONNX_FILES).join(", ")
        }; rerun deno task pipeline embed`,
      );
    }
    // Queries go through the precision the movies were embedded with.
    const embedder = minilmEmbedder({
      model: options.name,
      modelDir: options.modelDir,
      allowRemote: options.allowRemote,
      batchSize: 1,
      dtype,
    });
    await embedder.embedTexts(["warm up"]);
    options.logger?.info("Search model loaded", {
      model: options.name,
      ms: Math.round(now() - started),
    });
    return async (text) => (await embedder.embedTexts([text]))[0];
  };
  return {
    model: "minilm",
    async nearest(query, k, filter) {
      if (!encoder) {
        if (failedAt !== null && now() - failedAt < retryAfterMs) return null;
        encoder = load();
      }
      const pending = encoder;
      let encode: Encode;
      try {
        encode = await pending;
      } catch (error) {
        // Queries waiting on the same load see the same error: log it once.
        if (encoder === pending) {
          options.logger?.warning(
            "Cannot load the search model: searching titles only",
            { model: options.name, error: (error as Error).message },
          );
          failedAt = now();
          encoder = null;
        }
        return null;
      }
      if (waiting >= maxWaiting) throw new SearchBusyError(waiting);
      waiting++;
      try {
        const vector = await encode(query);
        return await options.index.search(vector, k, { filter });
      } finally {
        waiting--;
      }
    },
  };
}

/**
 * What the pipeline recorded for embedding queries of the served model
 * `model`; null (with the reason logged) when it recorded nothing.
 *
 * @example
 * ```ts
 * const spec = await storedQueryEmbedding(store.meta, "tfidf");
 * ```
 */
export async function storedQueryEmbedding(
  meta: MetaStore,
  model: string | null,
  logger?: ServingLogger,
): Promise<QueryEmbedding | null> {
  if (!model) return null;
  const spec = await loadQueryEmbedding(meta, model);
  if (!spec) {
    logger?.warning(
      "No query embedding stored for the served vectors: search matches titles only (run `deno task pipeline embed`)",
      { model },
    );
  }
  return spec;
}

/** Options of `prepareDescriptionMatcher`. */
export interface PrepareDescriptionMatcherOptions {
  config: Pick<Config, "modelDir" | "ALLOW_REMOTE_MODELS">;
  logger?: ServingLogger;
}

/** A matcher being built at start. */
export interface PendingDescriptionMatcher {
  /** Feeds movies as the catalogue loads (TF-IDF indexes their features). */
  addMovies(movies: readonly Movie[]): void;
  /** The matcher, given the served vectors; null when it has nothing to search. */
  finish(index: VectorIndex | null): DescriptionMatcher | null;
}

/**
 * Builds the matcher `spec` describes: TF-IDF indexes every movie's
 * features while the catalogue loads; MiniLM searches the served vectors.
 *
 * @example
 * ```ts
 * const pending = prepareDescriptionMatcher(spec, { config });
 * const { catalog } = await loadCatalog(store, { onPage: pending.addMovies });
 * const matcher = pending.finish(index);
 * ```
 */
export function prepareDescriptionMatcher(
  spec: QueryEmbedding | null,
  options: PrepareDescriptionMatcherOptions,
): PendingDescriptionMatcher {
  if (spec?.model === "tfidf") {
    const matcher = tfidfMatcher(spec.vocabulary);
    return {
      addMovies: (movies) => matcher.add(movies),
      finish: () => matcher,
    };
  }
  return {
    addMovies() {},
    finish: (index) =>
      spec?.model === "minilm" && index?.model === "minilm"
        ? minilmMatcher({
          index,
          name: spec.name,
          dtype: spec.dtype,
          modelDir: options.config.modelDir,
          allowRemote: options.config.ALLOW_REMOTE_MODELS,
          logger: options.logger,
        })
        : null,
  };
}
