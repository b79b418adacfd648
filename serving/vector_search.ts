/**
 * Similarity search behind one interface, so that serving does not know
 * where the vectors live: exact search over the embedding matrix in memory
 * (`MemoryVectorIndex`), or Atlas `$vectorSearch` when the catalog is too
 * large to hold (`AtlasVectorIndex` in serving/vector_search_atlas.ts, loaded
 * only then). `chooseVectorSearch` picks one from config, once, at start.
 * @module
 */
import type { Config } from "../config/mod.ts";
import { rowIndex, similarMovies, topK } from "../core/vectors/top_k.ts";
import type { EmbeddingMatrix, ScoredMovie } from "../core/types.ts";
import type { Store } from "../store/types.ts";

/** Options of `VectorIndex.search`. */
export interface VectorQueryOptions {
  /** Movie ids never returned (the user's history). */
  exclude?: Set<number>;
  /** Only movie ids for which this returns true (a genre filter). */
  filter?: (movieId: number) => boolean;
}

/** Nearest-neighbour search over one embedding model's vectors. */
export interface VectorIndex {
  readonly kind: "memory" | "atlas";
  /** The embedding model searched, e.g. "minilm". */
  readonly model: string;
  /** The `k` movies nearest to `query` (unit length), best first. */
  search(
    query: Float32Array,
    k: number,
    options?: VectorQueryOptions,
  ): Promise<ScoredMovie[]>;
  /** The `k` movies nearest to `movieId`, itself excluded; [] without a vector. */
  similar(movieId: number, k: number): Promise<ScoredMovie[]>;
  /** The vectors of those `movieIds` that have one, as a small matrix. */
  vectors(movieIds: readonly number[]): Promise<EmbeddingMatrix>;
}

/**
 * Exact search over a matrix held in memory (`core/vectors/top_k.ts`).
 *
 * @example
 * const index = new MemoryVectorIndex(matrix, "tfidf");
 * await index.search(profile, 10, { exclude: new Set([1]) });
 */
export class MemoryVectorIndex implements VectorIndex {
  readonly kind = "memory";
  readonly #rows: Map<number, number>;

  constructor(readonly matrix: EmbeddingMatrix, readonly model: string) {
    this.#rows = rowIndex(matrix);
  }

  search(
    query: Float32Array,
    k: number,
    options: VectorQueryOptions = {},
  ): Promise<ScoredMovie[]> {
    return Promise.resolve(topK(this.matrix, query, { k, ...options }));
  }

  similar(movieId: number, k: number): Promise<ScoredMovie[]> {
    return Promise.resolve(
      similarMovies(this.matrix, movieId, { index: this.#rows, k }),
    );
  }

  vectors(movieIds: readonly number[]): Promise<EmbeddingMatrix> {
    // Read `matrix.vectors` now: the first search may move it into kernel
    // memory (core/vectors/score_kernel.ts), replacing the property.
    const { dim, vectors } = this.matrix;
    const found = movieIds.filter((id) => this.#rows.has(id));
    const out = new Float32Array(found.length * dim);
    found.forEach((id, i) => {
      const row = this.#rows.get(id)!;
      out.set(vectors.subarray(row * dim, (row + 1) * dim), i * dim);
    });
    return Promise.resolve({ ids: Int32Array.from(found), dim, vectors: out });
  }
}

/** What `chooseVectorSearch` decides from. */
export interface VectorSearchInputs {
  mode: Config["VECTOR_SEARCH"];
  store: Store["kind"];
  /** Movies in the catalog. */
  movies: number;
  /** `VECTOR_SEARCH_MIN_MOVIES`. */
  minMovies: number;
}

/** Where search runs, and why (logged at start). */
export interface VectorSearchChoice {
  use: "memory" | "atlas";
  reason: string;
}

/**
 * Chooses exact in-memory search or Atlas `$vectorSearch`. `auto` picks
 * Atlas only when the store is MongoDB and the catalog has at least
 * `minMovies` movies (about where a 384-d matrix outgrows a 512 MiB
 * instance; docs/DEPLOY.md, "Exact in-memory search or Atlas Vector
 * Search").
 *
 * @example
 * chooseVectorSearch({ mode: "auto", store: "sqlite", movies: 9742, minMovies: 100000 }).use;
 * // "memory"
 */
export function chooseVectorSearch(
  inputs: VectorSearchInputs,
): VectorSearchChoice {
  const { mode, store, movies, minMovies } = inputs;
  if (mode === "memory") {
    return { use: "memory", reason: "VECTOR_SEARCH=memory" };
  }
  if (mode === "atlas") {
    if (store !== "mongodb") {
      throw new Error(
        `VECTOR_SEARCH=atlas needs the MongoDB store, found the ${store} store: set STORE=mongodb and MONGODB_URI, or VECTOR_SEARCH=auto`,
      );
    }
    return { use: "atlas", reason: "VECTOR_SEARCH=atlas" };
  }
  if (store !== "mongodb") {
    return {
      use: "memory",
      reason: `the ${store} store has no vector search`,
    };
  }
  if (movies < minMovies) {
    return {
      use: "memory",
      reason:
        `${movies} movies, fewer than VECTOR_SEARCH_MIN_MOVIES=${minMovies}: the matrix fits in memory`,
    };
  }
  return {
    use: "atlas",
    reason:
      `${movies} movies, at least VECTOR_SEARCH_MIN_MOVIES=${minMovies}: the matrix stays in Atlas`,
  };
}

/**
 * Where similarity search runs for this deployment: `chooseVectorSearch`
 * with `VECTOR_SEARCH` and `VECTOR_SEARCH_MIN_MOVIES` (read here only).
 *
 * @example
 * ```ts
 * vectorSearchFor(config, { store: store.kind, movies: 9742 }).use; // "memory"
 * ```
 */
export function vectorSearchFor(
  config: Config,
  inputs: { store: Store["kind"]; movies: number },
): VectorSearchChoice {
  return chooseVectorSearch({
    mode: config.VECTOR_SEARCH,
    minMovies: config.VECTOR_SEARCH_MIN_MOVIES,
    ...inputs,
  });
}
