/**
 * Exact TF-IDF search: an inverted index from feature to the movies that
 * have it, with each movie's unit-length TF-IDF weights. The pipeline's
 * TF-IDF vectors are these weights folded into 256 dimensions by feature
 * hashing; searching the unfolded weights gives the same cosine without
 * the collisions, which for a two-word query would otherwise surface
 * movies that share nothing with it.
 */
import type { ScoredMovie } from "../types.ts";
import { TopK } from "../vectors/top_k.ts";

/** Postings of one feature: parallel movie ids and weights. */
interface Postings {
  ids: number[];
  weights: number[];
}

/** Options of `SparseIndex.search`. */
export interface SparseSearchOptions {
  /** Only movie ids for which this returns true. */
  filter?: (movieId: number) => boolean;
}

/**
 * Movies as sparse unit vectors, searched by cosine.
 *
 * @example
 * const index = new SparseIndex();
 * index.add(1, new Map([["tag:pixar", 0.8], ["genre:animation", 0.6]]));
 * index.search(new Map([["tag:pixar", 1]]), 10); // [{ movieId: 1, score: 0.8 }]
 */
export class SparseIndex {
  readonly #postings = new Map<string, Postings>();
  #movies = 0;

  /** Movies added. */
  get size(): number {
    return this.#movies;
  }

  /** Adds a movie's feature weights (normalised here to unit length). */
  add(movieId: number, weights: ReadonlyMap<string, number>): void {
    let squares = 0;
    for (const w of weights.values()) squares += w * w;
    if (squares === 0) return;
    const length = Math.sqrt(squares);
    for (const [feature, weight] of weights) {
      let postings = this.#postings.get(feature);
      if (!postings) {
        postings = { ids: [], weights: [] };
        this.#postings.set(feature, postings);
      }
      postings.ids.push(movieId);
      postings.weights.push(weight / length);
    }
    this.#movies++;
  }

  /** The `k` movies most similar to `query` (any weights), best first; only scores > 0. */
  search(
    query: ReadonlyMap<string, number>,
    k: number,
    options: SparseSearchOptions = {},
  ): ScoredMovie[] {
    let squares = 0;
    for (const w of query.values()) squares += w * w;
    if (squares === 0) return [];
    const length = Math.sqrt(squares);
    const sums = new Map<number, number>();
    for (const [feature, weight] of query) {
      const postings = this.#postings.get(feature);
      if (!postings) continue;
      for (let i = 0; i < postings.ids.length; i++) {
        const id = postings.ids[i];
        sums.set(id, (sums.get(id) ?? 0) + postings.weights[i] * weight);
      }
    }
    const best = new TopK(k);
    for (const [id, sum] of sums) {
      if (sum > 0 && (!options.filter || options.filter(id))) {
        best.push(id, sum / length);
      }
    }
    return best.result();
  }
}
