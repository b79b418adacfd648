/**
 * The `RowScorer` contract, the error bounds every backend honours, and the
 * plain-JS backend (the fallback when WebAssembly SIMD cannot run, and the
 * scorer of small matrices). The WebAssembly backend is in score_kernel.ts.
 */
import type { EmbeddingMatrix } from "../types.ts";

/** Which implementation scores the rows. */
export type ScorerBackend = "wasm" | "js";

/** Scores every row of one matrix against a query. */
export interface RowScorer {
  readonly backend: ScorerBackend;
  /**
   * The score of every row against `query`, in row order. The buffer is
   * reused: it is valid until the next call on this scorer.
   */
  score(query: Float32Array): Float32Array | Float64Array;
  /**
   * The scores of `count` (at most `BLOCK_QUERIES`) queries packed one after
   * another in `queries` against rows `from` to `to` (default: all),
   * query-major: query q's score of row r is at `q × (to − from) + r − from`.
   * One pass over the matrix serves the block, which is what makes all-pairs
   * work cheaper than `count` calls of `score`. The buffer is reused like
   * `score`'s.
   */
  scoreBlock(
    queries: Float32Array,
    options: BlockOptions,
  ): Float32Array | Float64Array;
  /** An upper bound on |score − exact dot product| for a query of this norm. */
  errorBound(queryNorm: number): number;
}

/** Options for `RowScorer.scoreBlock`. */
export interface BlockOptions {
  /** How many queries `queries` holds, 0 to `BLOCK_QUERIES`. */
  count: number;
  /** The first row scored (default 0). */
  from?: number;
  /** The row after the last one scored (default: every row). */
  to?: number;
}

/**
 * The most queries `scoreBlock` takes at once: 32 queries of 256 floats
 * (32 KiB) stay in the L1 cache while each row is dotted with all of them.
 */
export const BLOCK_QUERIES = 32;

/** The largest row norm: the error bounds scale with it. */
export function maxRowNorm(vectors: Float32Array, dim: number): number {
  let max = 0;
  for (let offset = 0; offset < vectors.length; offset += dim) {
    let sum = 0;
    for (let i = 0; i < dim; i++) {
      const v = vectors[offset + i];
      sum += v * v;
    }
    if (sum > max) max = sum;
  }
  return Math.sqrt(max);
}

/**
 * Recursive summation of n products in precision `unit` is off by at most
 * γ(n+1)·Σ|aᵢbᵢ| ≤ γ(n+1)·‖a‖‖b‖ (Higham, ch. 3); twice that for safety.
 */
export function summationBound(dim: number, unit: number, rowNorm: number) {
  const n = dim + 1;
  const gamma = (n * unit) / (1 - n * unit);
  return (queryNorm: number) => 2 * gamma * rowNorm * queryNorm;
}

/**
 * Throws unless `queries` holds `count` queries, `count` fits a block and the
 * rows are a range of the matrix; returns the first row and how many.
 */
export function checkBlock(
  queries: Float32Array,
  options: BlockOptions & { dim: number; rows: number },
): { count: number; from: number; rows: number } {
  const { count, dim, from = 0, to = options.rows } = options;
  if (!Number.isInteger(count) || count < 0 || count > BLOCK_QUERIES) {
    throw new RangeError(
      `Cannot score a block of ${count} queries: expected 0 to ${BLOCK_QUERIES}`,
    );
  }
  if (queries.length < count * dim) {
    throw new RangeError(
      `Cannot score a block: expected ${count} × ${dim} = ${
        count * dim
      } floats, found ${queries.length}`,
    );
  }
  if (
    !Number.isInteger(from) || !Number.isInteger(to) || from < 0 ||
    to > options.rows || from > to
  ) {
    throw new RangeError(
      `Cannot score a block: expected rows 0 ≤ from ≤ to ≤ ${options.rows}, found ${from} to ${to}`,
    );
  }
  return { count, from, rows: to - from };
}

/** Plain JS: four accumulators, so that adds overlap instead of chaining. */
export class JsScorer implements RowScorer {
  readonly backend = "js";
  readonly #scores: Float64Array;
  #blockScores?: Float64Array;
  readonly errorBound: (queryNorm: number) => number;

  constructor(readonly matrix: EmbeddingMatrix) {
    this.#scores = new Float64Array(matrix.ids.length);
    this.errorBound = summationBound(
      matrix.dim,
      2 ** -53,
      maxRowNorm(matrix.vectors, matrix.dim),
    );
  }

  score(query: Float32Array): Float64Array {
    const { dim, vectors } = this.matrix;
    const scores = this.#scores;
    const blocked = dim - (dim % 4);
    for (let row = 0, offset = 0; row < scores.length; row++, offset += dim) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let i = 0;
      for (; i < blocked; i += 4) {
        s0 += vectors[offset + i] * query[i];
        s1 += vectors[offset + i + 1] * query[i + 1];
        s2 += vectors[offset + i + 2] * query[i + 2];
        s3 += vectors[offset + i + 3] * query[i + 3];
      }
      for (; i < dim; i++) s0 += vectors[offset + i] * query[i];
      scores[row] = (s0 + s1) + (s2 + s3);
    }
    return scores;
  }

  scoreBlock(queries: Float32Array, options: BlockOptions): Float64Array {
    const { dim, vectors } = this.matrix;
    const { count, from, rows } = checkBlock(queries, {
      ...options,
      dim,
      rows: this.#scores.length,
    });
    const scores = this.#blockScores ??= new Float64Array(
      BLOCK_QUERIES * this.#scores.length,
    );
    const blocked = dim - (dim % 4);
    // row by row, so that each row is read from memory once for the block
    for (let row = 0, offset = from * dim; row < rows; row++, offset += dim) {
      for (let q = 0, base = 0; q < count; q++, base += dim) {
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        let i = 0;
        for (; i < blocked; i += 4) {
          s0 += vectors[offset + i] * queries[base + i];
          s1 += vectors[offset + i + 1] * queries[base + i + 1];
          s2 += vectors[offset + i + 2] * queries[base + i + 2];
          s3 += vectors[offset + i + 3] * queries[base + i + 3];
        }
        for (; i < dim; i++) s0 += vectors[offset + i] * queries[base + i];
        scores[q * rows + row] = (s0 + s1) + (s2 + s3);
      }
    }
    return scores.subarray(0, count * rows);
  }
}
