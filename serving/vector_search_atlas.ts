/**
 * `VectorIndex` over Atlas Vector Search (store/mongodb/vector_search.ts): the
 * vectors stay in the `embeddings` collection and each search is one
 * aggregation. Imported on demand, so a local run never loads the driver.
 * Not runnable here (no Atlas); the in-memory index is the tested twin.
 * @module
 */
import type { Db } from "mongodb";
import type { EmbeddingMatrix, ScoredMovie } from "../core/types.ts";
import type { MongoStore } from "../store/mongodb/mod.ts";
import {
  EMBEDDINGS_COLLECTION,
  similarMoviesByVectorSearch,
  vectorFromDocument,
  vectorSearch,
  type VectorSearchOptions,
} from "../store/mongodb/vector_search.ts";
import type { Store } from "../store/types.ts";
import type { VectorIndex, VectorQueryOptions } from "./vector_search.ts";

/**
 * A JavaScript filter (a genre) cannot run inside `$vectorSearch`, so a
 * filtered search asks Atlas for this many times `k` and filters here; a
 * rare genre can then return fewer than `k`.
 */
export const FILTER_OVERFETCH = 10;
/** Largest `limit` Atlas accepts. */
const ATLAS_MAX_LIMIT = 10_000;

/**
 * How many results to ask Atlas for: `k`, or `k` × `FILTER_OVERFETCH` when a
 * filter runs afterwards, an integer within Atlas's limit; 0 when `k` < 1
 * (nothing to search: the in-memory index then returns [], and Atlas would
 * refuse a limit of 0).
 *
 * @example
 * atlasSearchLimit(20, true); // 200
 */
export function atlasSearchLimit(k: number, filtered: boolean): number {
  if (!(k >= 1)) return 0;
  return Math.min(
    ATLAS_MAX_LIMIT,
    Math.floor(filtered ? k * FILTER_OVERFETCH : k),
  );
}

/** True when `store` is the MongoDB adapter (and so exposes its database). */
export function isMongoStore(store: Store): store is MongoStore {
  return store.kind === "mongodb" && "db" in store;
}

/**
 * Atlas Vector Search as a `VectorIndex`.
 *
 * @example
 * const index = new AtlasVectorIndex(store.db, "minilm");
 * await index.search(profile, 20, { exclude: seen });
 */
export class AtlasVectorIndex implements VectorIndex {
  readonly kind = "atlas";

  constructor(
    readonly db: Db,
    readonly model: string,
    readonly options: VectorSearchOptions = {},
  ) {}

  async search(
    query: Float32Array,
    k: number,
    options: VectorQueryOptions = {},
  ): Promise<ScoredMovie[]> {
    const { exclude = new Set<number>(), filter } = options;
    const limit = atlasSearchLimit(k, filter !== undefined);
    if (limit === 0) return [];
    const found = await vectorSearch(
      this.db,
      this.model,
      query,
      limit,
      exclude,
      this.options,
    );
    return (filter ? found.filter((m) => filter(m.movieId)) : found).slice(
      0,
      k,
    );
  }

  similar(movieId: number, k: number): Promise<ScoredMovie[]> {
    const limit = atlasSearchLimit(k, false);
    if (limit === 0) return Promise.resolve([]);
    return similarMoviesByVectorSearch(
      this.db,
      this.model,
      movieId,
      limit,
      this.options,
    );
  }

  async vectors(movieIds: readonly number[]): Promise<EmbeddingMatrix> {
    if (movieIds.length === 0) {
      return { ids: new Int32Array(0), dim: 0, vectors: new Float32Array(0) };
    }
    const docs = await this.db.collection(EMBEDDINGS_COLLECTION)
      .find(
        { model: this.model, movieId: { $in: [...movieIds] } },
        { projection: { _id: 0, movieId: 1, vector: 1 } },
      )
      .toArray();
    const rows = docs.map((doc) => ({
      movieId: Number(doc.movieId),
      vector: vectorFromDocument(doc.vector),
    }));
    const dim = rows[0]?.vector.length ?? 0;
    const vectors = new Float32Array(rows.length * dim);
    rows.forEach(({ movieId, vector }, i) => {
      if (vector.length !== dim) {
        throw new Error(
          `Embedding of movie ${movieId} in model "${this.model}" has ${vector.length} dimensions, expected ${dim} like the others`,
        );
      }
      vectors.set(vector, i * dim);
    });
    return { ids: Int32Array.from(rows, (r) => r.movieId), dim, vectors };
  }
}

/**
 * The Atlas index of `model` over the store's database; throws when the
 * store is not MongoDB.
 */
export function atlasVectorIndex(store: Store, model: string): VectorIndex {
  if (!isMongoStore(store)) {
    throw new Error(
      `Atlas vector search needs the MongoDB store, found the ${store.kind} store`,
    );
  }
  return new AtlasVectorIndex(store.db, model);
}
