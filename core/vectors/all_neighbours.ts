/**
 * All-pairs neighbours: the k rows most similar to every row of a matrix,
 * scored a block of rows at a time, so that one pass over the matrix serves
 * the whole block instead of one pass per row (at 62k × 256 floats, the
 * matrix is 64 MB, read once per block instead of once per movie).
 */
import type { EmbeddingMatrix } from "../types.ts";
import { BLOCK_QUERIES, rowScorer } from "./score_kernel.ts";
import { TopK } from "./top_k.ts";

/** Options for `allNeighbours` and `neighbourBlocks`. */
export interface AllNeighboursOptions {
  /** Neighbours per row (a whole number; rows with fewer others are padded). */
  k: number;
  /** Rows scored per pass over the matrix, 1 to `BLOCK_QUERIES` (the default). */
  batch?: number;
  /** The first row whose neighbours are wanted (default 0). */
  start?: number;
  /** The row after the last one whose neighbours are wanted (default: all). */
  end?: number;
}

/** The neighbours of `count` consecutive rows from `start`, packed. */
export interface NeighbourRows {
  start: number;
  count: number;
  k: number;
  /** count·k movie ids, best first; -1 pads rows with fewer than k others. */
  ids: Int32Array;
  /** count·k double-precision scores aligned with `ids` (NaN where -1). */
  scores: Float64Array;
}

/**
 * The neighbours of rows `start` to `end` (default: every row), a block of
 * `batch` rows at a time, in row order: for each row, the k other rows with
 * the highest dot product (cosine, for unit rows), best first, ties to the
 * smaller id. Exactly what `similarMovies` returns for that row's movie, bit
 * for bit: the block kernel's approximate scores pick the candidates and
 * every row within its error bound of the k-th is rescored in double
 * precision. Ids must be unique. Like `topK`, this may move the matrix into
 * the kernel's memory (see `rowScorer`).
 *
 * @example
 * for (const block of neighbourBlocks(matrix, { k: 50 })) {
 *   console.log(block.start, block.ids.subarray(0, 50)); // row block.start's
 * }
 */
export function* neighbourBlocks(
  matrix: EmbeddingMatrix,
  options: AllNeighboursOptions,
): Generator<NeighbourRows> {
  const { k, batch = BLOCK_QUERIES } = options;
  const { ids, dim } = matrix;
  const rows = ids.length;
  const { start = 0, end = rows } = options;
  checkOptions({ k, batch, start, end, rows });
  checkUniqueIds(ids);
  if (start === end) return;
  const scorer = rowScorer(matrix);
  // read after `rowScorer`, which may have moved the rows
  const { vectors } = matrix;
  const candidates = new Int32Array(rows);
  for (let first = start; first < end; first += batch) {
    const count = Math.min(batch, end - first);
    const block: NeighbourRows = {
      start: first,
      count,
      k,
      ids: new Int32Array(count * k).fill(-1),
      scores: new Float64Array(count * k).fill(NaN),
    };
    if (k > 0) {
      const approximate = scorer.scoreBlock(
        vectors.subarray(first * dim, (first + count) * dim),
        count,
      );
      for (let q = 0; q < count; q++) {
        const fast = approximate.subarray(q * rows, (q + 1) * rows);
        const exact = rowNeighbours(matrix, {
          row: first + q,
          k,
          fast,
          errorBound: scorer.errorBound,
          candidates,
        });
        exact.writeSorted(block, q * k);
      }
    }
    yield block;
  }
}

/**
 * The exact top k of one row from its fast scores: one pass finds the k-th
 * best fast score and every row that could still be within the margin of it
 * (the threshold only rises); those within the final margin are rescored in
 * double precision, as `topK` does. A plain function, apart from the
 * generator, so that the optimising compiler takes its loops whole.
 */
function rowNeighbours(
  matrix: EmbeddingMatrix,
  options: {
    row: number;
    k: number;
    fast: Float32Array | Float64Array;
    errorBound: (queryNorm: number) => number;
    /** Scratch of one entry per row. */
    candidates: Int32Array;
  },
): TopK {
  const { ids, dim, vectors } = matrix;
  const { row, k, fast, candidates } = options;
  const own = ids[row];
  const query = row * dim;
  let queryNorm = 0;
  for (let i = 0; i < dim; i++) {
    queryNorm += vectors[query + i] * vectors[query + i];
  }
  const margin = 2 * options.errorBound(Math.sqrt(queryNorm));
  const best = new TopK(k);
  let threshold = -Infinity;
  let floor = -Infinity;
  let found = 0;
  for (let r = 0; r < fast.length; r++) {
    const score = fast[r];
    if (score < floor || ids[r] === own) continue;
    candidates[found++] = r;
    if (score >= threshold) {
      best.push(ids[r], score);
      threshold = best.threshold;
      floor = threshold - margin;
    }
  }
  // Any row of the exact top k scores at least (k-th fast − 2 × bound).
  const exact = new TopK(k);
  for (let c = 0; c < found; c++) {
    const r = candidates[c];
    if (!(fast[r] >= floor)) continue;
    let score = 0;
    const offset = r * dim;
    for (let i = 0; i < dim; i++) {
      score += vectors[offset + i] * vectors[query + i];
    }
    exact.push(ids[r], score);
  }
  return exact;
}

/**
 * The neighbours of every row (or of rows `start` to `end`) in one packed
 * block; see `neighbourBlocks` for the contract.
 *
 * @example
 * const { ids, scores } = allNeighbours(matrix, { k: 10 });
 * ids.subarray(0, 10); // row 0's ten nearest movie ids, best first
 */
export function allNeighbours(
  matrix: EmbeddingMatrix,
  options: AllNeighboursOptions,
): NeighbourRows {
  const rows = matrix.ids.length;
  const { k, start = 0, end = rows } = options;
  checkOptions({ k, batch: options.batch ?? 1, start, end, rows });
  const count = end - start;
  const all: NeighbourRows = {
    start,
    count,
    k,
    ids: new Int32Array(count * k),
    scores: new Float64Array(count * k),
  };
  for (const block of neighbourBlocks(matrix, options)) {
    const at = (block.start - start) * k;
    all.ids.set(block.ids, at);
    all.scores.set(block.scores, at);
  }
  return all;
}

function checkOptions(
  o: { k: number; batch: number; start: number; end: number; rows: number },
): void {
  if (!Number.isInteger(o.k) || o.k < 0) {
    throw new RangeError(
      `Cannot find neighbours: expected k to be a whole number ≥ 0, found ${o.k}`,
    );
  }
  if (!Number.isInteger(o.batch) || o.batch < 1 || o.batch > BLOCK_QUERIES) {
    throw new RangeError(
      `Cannot find neighbours: expected batch from 1 to ${BLOCK_QUERIES}, found ${o.batch}`,
    );
  }
  if (
    !Number.isInteger(o.start) || !Number.isInteger(o.end) || o.start < 0 ||
    o.end > o.rows || o.start > o.end
  ) {
    throw new RangeError(
      `Cannot find neighbours: expected 0 ≤ start ≤ end ≤ ${o.rows} rows, found start ${o.start}, end ${o.end}`,
    );
  }
}

function checkUniqueIds(ids: Int32Array): void {
  const rowOf = new Map<number, number>();
  for (let row = 0; row < ids.length; row++) {
    const seen = rowOf.get(ids[row]);
    if (seen !== undefined) {
      throw new RangeError(
        `Cannot find neighbours: movie id ${
          ids[row]
        } is in rows ${seen} and ${row}; expected unique ids`,
      );
    }
    rowOf.set(ids[row], row);
  }
}
