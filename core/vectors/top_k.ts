/** Top-k selection with a bounded min-heap: O(N log k), no full sort. */
import type { EmbeddingMatrix, ScoredMovie } from "../types.ts";
import { rowScorer } from "./score_kernel.ts";

/**
 * Keeps the k best (highest score) entries seen. Ties are broken by the
 * smaller id, so results are deterministic.
 */
export class TopK {
  readonly #ids: Int32Array;
  readonly #scores: Float64Array;
  #size = 0;

  constructor(readonly k: number) {
    const capacity = Math.max(0, Math.floor(k));
    this.#ids = new Int32Array(capacity);
    this.#scores = new Float64Array(capacity);
  }

  /** True when (score, id) ranks below (otherScore, otherId). */
  static #worse(score: number, id: number, other: number, otherId: number) {
    return score < other || (score === other && id > otherId);
  }

  /** The score an entry must beat to enter (−Infinity until full). */
  get threshold(): number {
    return this.#size < this.#ids.length ? -Infinity : this.#scores[0];
  }

  push(id: number, score: number): void {
    const capacity = this.#ids.length;
    if (capacity === 0 || Number.isNaN(score)) return;
    if (this.#size < capacity) {
      let i = this.#size++;
      // sift up: the root holds the worst entry
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (
          !TopK.#worse(score, id, this.#scores[parent], this.#ids[parent])
        ) break;
        this.#ids[i] = this.#ids[parent];
        this.#scores[i] = this.#scores[parent];
        i = parent;
      }
      this.#ids[i] = id;
      this.#scores[i] = score;
      return;
    }
    if (TopK.#worse(score, id, this.#scores[0], this.#ids[0])) return;
    if (score === this.#scores[0] && id === this.#ids[0]) return;
    // replace the root and sift down
    let i = 0;
    const size = this.#size;
    while (true) {
      const left = 2 * i + 1;
      if (left >= size) break;
      const right = left + 1;
      let worst = left;
      if (
        right < size &&
        TopK.#worse(
          this.#scores[right],
          this.#ids[right],
          this.#scores[left],
          this.#ids[left],
        )
      ) worst = right;
      if (
        !TopK.#worse(this.#scores[worst], this.#ids[worst], score, id)
      ) break;
      this.#ids[i] = this.#ids[worst];
      this.#scores[i] = this.#scores[worst];
      i = worst;
    }
    this.#ids[i] = id;
    this.#scores[i] = score;
  }

  /** Heap slots of the entries, best first (ties: the smaller id). */
  #bestFirst(): number[] {
    const ids = this.#ids, scores = this.#scores;
    return Array.from({ length: this.#size }, (_, i) => i)
      .sort((a, b) => scores[b] - scores[a] || ids[a] - ids[b]);
  }

  /**
   * Writes the entries best first into `into.ids` and `into.scores` from
   * `offset`, with no object per entry; returns how many were written.
   */
  writeSorted(
    into: { ids: Int32Array; scores: Float64Array },
    offset: number,
  ): number {
    const order = this.#bestFirst();
    for (let i = 0; i < order.length; i++) {
      into.ids[offset + i] = this.#ids[order[i]];
      into.scores[offset + i] = this.#scores[order[i]];
    }
    return order.length;
  }

  /** The entries, best first. */
  result(): ScoredMovie[] {
    return this.#bestFirst().map((i) => ({
      movieId: this.#ids[i],
      score: this.#scores[i],
    }));
  }
}

/** Options for `topK`. */
export interface TopKOptions {
  /** How many to return, best first. */
  k: number;
  /** Movie ids never returned. */
  exclude?: Set<number>;
  /** Only movie ids for which this returns true. */
  filter?: (movieId: number) => boolean;
}

/**
 * The k rows of `matrix` most similar to `query` by dot product (cosine,
 * since rows and a normalised query are unit length), best first. Exact: the
 * fast kernel (`rowScorer`) finds the candidates, and every row whose fast
 * score is within the kernel's error bound of the k-th is rescored in double
 * precision, so the result is what a plain double loop would return. Treat
 * the matrix as immutable once searched: a large one moves into the
 * kernel's WebAssembly memory and `matrix.vectors` then views that copy
 * (see `rowScorer`).
 *
 * @example
 * const best = topK(matrix, profile, { k: 10, exclude: new Set([1]) });
 */
export function topK(
  matrix: EmbeddingMatrix,
  query: Float32Array,
  options: TopKOptions,
): ScoredMovie[] {
  const { k } = options;
  const { ids, dim, vectors } = matrix;
  if (query.length !== dim) {
    throw new RangeError(
      `Cannot search: query has ${query.length} dimensions, matrix has ${dim}`,
    );
  }
  const rows = ids.length;
  if (rows === 0 || !(k >= 1)) return [];
  const { exclude, filter } = options;
  const fast = rowScorer(matrix);
  const approximate = fast.score(query);
  // Pass 1: the k-th best fast score; exclusions and the filter are only
  // consulted for rows good enough to enter the heap.
  const first = new TopK(k);
  let threshold = -Infinity;
  for (let row = 0; row < rows; row++) {
    const score = approximate[row];
    if (score < threshold) continue;
    const id = ids[row];
    if (exclude?.has(id) || (filter && !filter(id))) continue;
    first.push(id, score);
    threshold = first.threshold;
  }
  // Any row of the exact top k scores at least (k-th fast score − 2 × bound).
  let queryNorm = 0;
  for (let i = 0; i < dim; i++) queryNorm += query[i] * query[i];
  const cutoff = threshold - 2 * fast.errorBound(Math.sqrt(queryNorm));
  // Pass 2: exact double-precision scores of the candidates.
  const heap = new TopK(k);
  for (let row = 0; row < rows; row++) {
    if (!(approximate[row] >= cutoff)) continue;
    const id = ids[row];
    if (exclude?.has(id) || (filter && !filter(id))) continue;
    let score = 0;
    const offset = row * dim;
    for (let i = 0; i < dim; i++) score += vectors[offset + i] * query[i];
    heap.push(id, score);
  }
  return heap.result();
}

/** Builds an id → row index map for a matrix. */
export function rowIndex(matrix: EmbeddingMatrix): Map<number, number> {
  const index = new Map<number, number>();
  for (let row = 0; row < matrix.ids.length; row++) {
    index.set(matrix.ids[row], row);
  }
  return index;
}

/**
 * Item-to-item neighbours: the k movies most similar to `movieId`, itself
 * excluded; [] when the movie has no embedding.
 */
export function similarMovies(
  matrix: EmbeddingMatrix,
  movieId: number,
  options: TopKOptions & {
    /** The matrix's id → row map (`rowIndex`). */
    index: Map<number, number>;
  },
): ScoredMovie[] {
  const { index, k } = options;
  const row = index.get(movieId);
  if (row === undefined) return [];
  const query = matrix.vectors.subarray(
    row * matrix.dim,
    (row + 1) * matrix.dim,
  );
  const exclude = new Set(options.exclude ?? []);
  exclude.add(movieId);
  return topK(matrix, query, { k, exclude, filter: options.filter });
}
