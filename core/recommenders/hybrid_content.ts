/**
 * The hybrid's content part: each movie's similarity to the user's profile
 * vector (the weighted mean of the history's embeddings), scored over the
 * packed matrix, sparse when the embeddings are (TF-IDF).
 */
import { type ProfileWeight, userProfile } from "../profile.ts";
import type { EmbeddingMatrix } from "../types.ts";
import { rowIndex } from "../vectors/top_k.ts";

/**
 * The content matrix as the hybrid scores it: each row's catalogue index,
 * and, when most entries are zero (tf-idf), the non-zero entries packed
 * row by row in dimension order. Skipping zero terms leaves every sum
 * bit-for-bit unchanged (adding ±0 to a sum that starts at +0 never changes
 * it), so sparse and dense scoring agree exactly.
 */
interface PackedContent {
  /** Catalogue index of each matrix row. */
  catalogueRows: Int32Array;
  /** Row r's entries span `dims/values[starts[r] .. starts[r + 1])`; null: dense. */
  starts: Int32Array | null;
  dims: Int32Array;
  values: Float32Array;
}

/** Pack the matrix sparse when at most this share of its entries is non-zero. */
const SPARSE_DENSITY = 0.5;

function packContent(
  matrix: EmbeddingMatrix,
  catalogueRows: Int32Array,
): PackedContent {
  const { vectors } = matrix;
  let nonZero = 0;
  for (let p = 0; p < vectors.length; p++) if (vectors[p] !== 0) nonZero++;
  if (nonZero > SPARSE_DENSITY * vectors.length) {
    return {
      catalogueRows,
      starts: null,
      dims: new Int32Array(0),
      values: new Float32Array(0),
    };
  }
  const { dim } = matrix;
  const rows = matrix.ids.length;
  const starts = new Int32Array(rows + 1);
  const dims = new Int32Array(nonZero);
  const values = new Float32Array(nonZero);
  let q = 0;
  for (let r = 0; r < rows; r++) {
    for (let d = 0, o = r * dim; d < dim; d++) {
      const v = vectors[o + d];
      if (v !== 0) {
        dims[q] = d;
        values[q++] = v;
      }
    }
    starts[r + 1] = q;
  }
  return { catalogueRows, starts, dims, values };
}

/**
 * Content scores by catalogue index, and the history movies behind them.
 *
 * @example
 * ```ts
 * const content = new HybridContent(matrix, catalogueRows);
 * const profile = content.profile(profileWeights(history));
 * if (profile) content.scoreInto(profile, scores);
 * ```
 */
export class HybridContent {
  /** Matrix row of each movie id. */
  readonly index: Map<number, number>;
  readonly #packed: PackedContent;

  /** `catalogueRows[r]`: the catalogue index of the matrix's row r. */
  constructor(readonly matrix: EmbeddingMatrix, catalogueRows: Int32Array) {
    this.#packed = packContent(matrix, catalogueRows);
    this.index = rowIndex(matrix);
  }

  /** The user's profile vector, or null when no history movie has a row. */
  profile(weights: ProfileWeight[]): Float32Array | null {
    return userProfile(weights, { matrix: this.matrix, index: this.index });
  }

  /**
   * Profile · row for every content row, into `out` by catalogue index.
   * Each row is summed in double precision in dimension order, as a plain
   * loop would; dense rows go four at a time with independent sums, which
   * keeps each sum's order (and so its value) while the additions overlap.
   */
  scoreInto(profile: Float32Array, out: Float32Array): void {
    const { catalogueRows, starts, dims, values } = this.#packed;
    const rows = catalogueRows.length;
    if (starts) {
      for (let r = 0; r < rows; r++) {
        let s = 0;
        const end = starts[r + 1];
        for (let p = starts[r]; p < end; p++) s += values[p] * profile[dims[p]];
        out[catalogueRows[r]] = s;
      }
      return;
    }
    const { dim, vectors } = this.matrix;
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      const o0 = r * dim;
      const o1 = o0 + dim;
      const o2 = o1 + dim;
      const o3 = o2 + dim;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let d = 0; d < dim; d++) {
        const q = profile[d];
        s0 += vectors[o0 + d] * q;
        s1 += vectors[o1 + d] * q;
        s2 += vectors[o2 + d] * q;
        s3 += vectors[o3 + d] * q;
      }
      out[catalogueRows[r]] = s0;
      out[catalogueRows[r + 1]] = s1;
      out[catalogueRows[r + 2]] = s2;
      out[catalogueRows[r + 3]] = s3;
    }
    for (; r < rows; r++) {
      let s = 0;
      const o = r * dim;
      for (let d = 0; d < dim; d++) s += vectors[o + d] * profile[d];
      out[catalogueRows[r]] = s;
    }
  }

  /**
   * weight × (history row · target row) per content weight, summed in
   * dimension order; over the non-zero entries of the history row when the
   * content is packed sparse (the same value: see `PackedContent`).
   */
  contributions(weights: ProfileWeight[], movieId: number): Float64Array {
    const out = new Float64Array(weights.length);
    const { index } = this;
    const target = index.get(movieId);
    if (target === undefined) return out;
    const { dim, vectors } = this.matrix;
    const { starts, dims, values } = this.#packed;
    if (starts) {
      const dense = new Float32Array(dim);
      for (let p = starts[target]; p < starts[target + 1]; p++) {
        dense[dims[p]] = values[p];
      }
      for (let w = 0; w < weights.length; w++) {
        const row = index.get(weights[w].movieId);
        if (row === undefined) continue;
        let s = 0;
        for (let p = starts[row]; p < starts[row + 1]; p++) {
          s += values[p] * dense[dims[p]];
        }
        out[w] = weights[w].weight * s;
      }
      return out;
    }
    for (let w = 0; w < weights.length; w++) {
      const row = index.get(weights[w].movieId);
      if (row === undefined) continue;
      let s = 0;
      for (let d = 0; d < dim; d++) {
        s += vectors[row * dim + d] * vectors[target * dim + d];
      }
      out[w] = weights[w].weight * s;
    }
    return out;
  }
}
