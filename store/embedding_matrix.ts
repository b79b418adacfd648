/**
 * Packs stored embedding rows into one matrix (row per movie), the shape
 * serving reads. Every adapter streams its rows through one packer, so the
 * width check, the growth rule and the placement in the scoring kernel's
 * memory are written once.
 * @module
 */
import type { EmbeddingMatrix } from "../core/types.ts";
import { allocateVectors } from "../core/vectors/score_kernel.ts";
import { bytesIntoFloat32 } from "./binary_codec.ts";

/**
 * Rows in, one `EmbeddingMatrix` out. Sized by the row count the adapter
 * expects; rows written meanwhile grow it, rows removed meanwhile shrink it.
 * The matrix is allocated where the scoring kernel reads it
 * (core/vectors/score_kernel.ts), so the first search copies nothing.
 *
 * @example
 * const packer = new EmbeddingMatrixPacker("tfidf", 2);
 * packer.add(1, new Float32Array([1, 0]));
 * packer.add(2, new Float32Array([0, 1]));
 * packer.finish(); // { ids: Int32Array [1, 2], dim: 2, vectors: ... }
 */
export class EmbeddingMatrixPacker {
  #capacity: number;
  #ids: Int32Array;
  #vectors: Float32Array = new Float32Array(0);
  #dim = -1;
  #rows = 0;

  /**
   * @param model Named in errors.
   * @param expectedRows How many rows the adapter counted (at least 1 is kept).
   */
  constructor(readonly model: string, expectedRows: number) {
    this.#capacity = Math.max(1, expectedRows);
    this.#ids = new Int32Array(this.#capacity);
  }

  /** Rows added so far. */
  get rows(): number {
    return this.#rows;
  }

  /**
   * Appends one row: float32 values, or their little-endian bytes as
   * store/binary_codec.ts writes them. Throws when its width differs from
   * the first row's.
   */
  add(movieId: number, vector: Float32Array | Uint8Array): void {
    if (vector instanceof Uint8Array && vector.length % 4 !== 0) {
      throw new RangeError(
        `Embedding of movie ${movieId} in model "${this.model}" has ${vector.length} bytes, expected a multiple of 4`,
      );
    }
    const width = vector instanceof Float32Array
      ? vector.length
      : vector.length / 4;
    if (this.#dim < 0) {
      this.#dim = width;
      this.#vectors = allocateVectors(this.#capacity, width);
    } else if (width !== this.#dim) {
      throw new Error(
        `Embedding of movie ${movieId} in model "${this.model}" has ${width} dimensions, expected ${this.#dim} like the first row`,
      );
    }
    if (this.#rows === this.#capacity) this.#grow();
    const offset = this.#rows * this.#dim;
    if (vector instanceof Float32Array) this.#vectors.set(vector, offset);
    else bytesIntoFloat32(vector, this.#vectors.subarray(offset));
    this.#ids[this.#rows++] = movieId;
  }

  /** The packed matrix, exactly as many rows as added; null when none were. */
  finish(): EmbeddingMatrix | null {
    const n = this.#rows;
    if (n === 0) return null;
    const dim = this.#dim;
    if (n === this.#capacity) {
      return { ids: this.#ids, dim, vectors: this.#vectors };
    }
    const exact = allocateVectors(n, dim);
    exact.set(this.#vectors.subarray(0, n * dim));
    return { ids: this.#ids.slice(0, n), dim, vectors: exact };
  }

  #grow(): void {
    this.#capacity *= 2;
    const ids = new Int32Array(this.#capacity);
    ids.set(this.#ids);
    this.#ids = ids;
    const vectors = allocateVectors(this.#capacity, this.#dim);
    vectors.set(this.#vectors);
    this.#vectors = vectors;
  }
}
