/**
 * `VectorIndex` over the store's own vector search (`Store.vectorSearch`:
 * Atlas Vector Search on the MongoDB store): the vectors stay in the store
 * and each search is one query there. Imported on demand.
 * Not runnable here (no Atlas); the in-memory index is the tested twin.
 * @module
 */
import type { EmbeddingMatrix, ScoredMovie } from "../core/types.ts";
import type { Store, VectorSearchCapability } from "../store/types.ts";
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

/**
 * Atlas Vector Search as a `VectorIndex`.
 *
 * @example
 * const index = new AtlasVectorIndex(store.vectorSearch!, "minilm");
 * await index.search(profile, 20, { exclude: seen });
 */
export class AtlasVectorIndex implements VectorIndex {
  readonly kind = "atlas";

  constructor(
    readonly backend: VectorSearchCapability,
    readonly model: string,
  ) {}

  async search(
    query: Float32Array,
    k: number,
    options: VectorQueryOptions = {},
  ): Promise<ScoredMovie[]> {
    const { exclude = new Set<number>(), filter } = options;
    const limit = atlasSearchLimit(k, filter !== undefined);
    if (limit === 0) return [];
    const found = await this.backend.nearest(this.model, query, {
      k: limit,
      exclude,
    });
    return (filter ? found.filter((m) => filter(m.movieId)) : found).slice(
      0,
      k,
    );
  }

  similar(movieId: number, k: number): Promise<ScoredMovie[]> {
    const limit = atlasSearchLimit(k, false);
    if (limit === 0) return Promise.resolve([]);
    return this.backend.similar(this.model, movieId, { k: limit });
  }

  vectors(movieIds: readonly number[]): Promise<EmbeddingMatrix> {
    return this.backend.vectors(this.model, movieIds);
  }
}

/**
 * The Atlas index of `model` over the store's vector search; throws when
 * the store has none.
 */
export function atlasVectorIndex(store: Store, model: string): VectorIndex {
  if (!store.vectorSearch) {
    throw new Error(
      `Atlas vector search needs the MongoDB store, found the ${store.kind} store`,
    );
  }
  return new AtlasVectorIndex(store.vectorSearch, model);
}
