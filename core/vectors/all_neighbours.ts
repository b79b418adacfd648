/**
 * All-pairs neighbours: the k rows most similar to every row of a matrix,
 * scored a block of rows at a time, so that one pass over the matrix serves
 * the whole block instead of one pass per row (at 62k × 256 floats, the
 * matrix is 64 MB, read once per block instead of once per movie), and each
 * pair of rows once, since the dot product is symmetric.
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
 * precision. The dot product is symmetric, so each block is scored against
 * the rows from its own first one on, and those scores also serve the later
 * rows: about half the work of scoring every pair twice. Memory: the fast
 * candidates of the rows still to come, O(rows · k). Ids must be unique.
 * Like `topK`, this may move the matrix into the kernel's memory (see
 * `rowScorer`).
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
  const pending = k > 0
    ? new FastCandidates({ matrix, k, start, end, scorer })
    : undefined;
  for (let first = start; first < end; first += batch) {
    const count = Math.min(batch, end - first);
    const last = first + count;
    const block: NeighbourRows = {
      start: first,
      count,
      k,
      ids: new Int32Array(count * k).fill(-1),
      scores: new Float64Array(count * k).fill(NaN),
    };
    if (pending) {
      const queries = vectors.subarray(first * dim, last * dim);
      if (start > 0) {
        // rows before `start` are never a block: score them from here
        const before = scorer.scoreBlock(queries, { count, to: start });
        for (let q = 0; q < count; q++) {
          pending.offerAll(first + q, {
            fast: before,
            at: q * start,
            from: 0,
            to: start,
          });
        }
      }
      // Rows before `first` already offered their scores to this block's
      // rows when they were a block; score the rest.
      const fast = scorer.scoreBlock(queries, { count, from: first });
      for (let q = 0; q < count; q++) {
        const span = { fast, at: q * (rows - first), from: first };
        pending.offerAll(first + q, { ...span, to: rows });
        // the same scores, seen from the rows of later blocks
        pending.offerToEach(first + q, { ...span, after: last });
      }
      for (let q = 0; q < count; q++) {
        pending.exact(first + q).writeSorted(block, q * k);
      }
    }
    yield block;
  }
}

/** One query's fast scores: `fast[at + r − from]` is row r's, r ≥ from. */
interface ScoreSpan {
  fast: Float32Array | Float64Array;
  at: number;
  from: number;
}

/**
 * What is known of each row's neighbours from the fast scores seen so far:
 * the k best fast scores (a min-heap per row, for the k-th) and every row
 * whose fast score could still be within the error margin of it. The k-th
 * only rises, so a candidate dropped below the margin never returns.
 */
class FastCandidates {
  readonly #matrix: EmbeddingMatrix;
  readonly #k: number;
  readonly #start: number;
  readonly #end: number;
  /** Each row's k best fast scores, a min-heap per row of `k` slots. */
  readonly #heaps: Float64Array;
  readonly #sizes: Int32Array;
  /** 2 × the error bound of each row's scores. */
  readonly #margins: Float64Array;
  /** k-th best fast score − margin: below it, a row is no candidate. */
  readonly #floors: Float64Array;
  readonly #rows: (number[] | undefined)[];
  readonly #scores: (number[] | undefined)[];
  /** How many of each row's candidate slots are in use. */
  readonly #counts: Int32Array;
  readonly #limits: Int32Array;

  constructor(
    options: {
      matrix: EmbeddingMatrix;
      k: number;
      start: number;
      end: number;
      scorer: { errorBound(queryNorm: number): number };
    },
  ) {
    const { matrix, k, start, end, scorer } = options;
    const { dim, vectors } = matrix;
    const n = end - start;
    this.#matrix = matrix;
    this.#k = k;
    this.#start = start;
    this.#end = end;
    this.#heaps = new Float64Array(n * k);
    this.#sizes = new Int32Array(n);
    this.#margins = new Float64Array(n);
    this.#floors = new Float64Array(n).fill(-Infinity);
    this.#rows = Array.from({ length: n }, () => []);
    this.#scores = Array.from({ length: n }, () => []);
    this.#counts = new Int32Array(n);
    this.#limits = new Int32Array(n).fill(2 * k + 32);
    for (let j = 0; j < n; j++) {
      const query = (start + j) * dim;
      let norm = 0;
      for (let i = 0; i < dim; i++) {
        norm += vectors[query + i] * vectors[query + i];
      }
      this.#margins[j] = 2 * scorer.errorBound(Math.sqrt(norm));
    }
  }

  /** Offers `row` its fast scores of rows `from` to `to` (one query's scan). */
  offerAll(row: number, span: ScoreSpan & { to: number }): void {
    const { fast, at, from, to } = span;
    const j = row - this.#start;
    const ids = this.#matrix.ids;
    const own = ids[row];
    let floor = this.#floors[j];
    for (let r = from, i = at; r < to; r++, i++) {
      const score = fast[i];
      if (score < floor || ids[r] === own) continue;
      floor = this.#offer(j, r, score);
    }
  }

  /** Offers every row from `after` to `end` its fast score of `row`. */
  offerToEach(row: number, span: ScoreSpan & { after: number }): void {
    const { fast, after } = span;
    const floors = this.#floors;
    const start = this.#start, end = this.#end;
    for (let r = after, i = span.at + after - span.from; r < end; r++, i++) {
      const score = fast[i];
      if (score < floors[r - start]) continue;
      this.#offer(r - start, row, score);
    }
  }

  /** Records a fast score of row `start + j`; returns its floor. */
  #offer(j: number, row: number, score: number): number {
    if (score !== score) return this.#floors[j]; // NaN: never a candidate
    const rows = this.#rows[j]!, scores = this.#scores[j]!;
    // slots are reused after a prune: the arrays only grow
    const count = this.#counts[j];
    rows[count] = row;
    scores[count] = score;
    this.#counts[j] = count + 1;
    const k = this.#k, heap = this.#heaps, base = j * k;
    const size = this.#sizes[j];
    if (size < k) {
      // sift up: the root holds the smallest
      let i = size;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (heap[base + parent] <= score) break;
        heap[base + i] = heap[base + parent];
        i = parent;
      }
      heap[base + i] = score;
      this.#sizes[j] = size + 1;
      if (size + 1 < k) return this.#floors[j];
    } else if (score > heap[base]) {
      // replace the root and sift down
      let i = 0;
      while (true) {
        const left = 2 * i + 1;
        if (left >= k) break;
        const right = left + 1;
        const child = right < k && heap[base + right] < heap[base + left]
          ? right
          : left;
        if (heap[base + child] >= score) break;
        heap[base + i] = heap[base + child];
        i = child;
      }
      heap[base + i] = score;
    } else return this.#floors[j];
    const floor = heap[base] - this.#margins[j];
    this.#floors[j] = floor;
    if (count + 1 >= this.#limits[j]) this.#prune(j, floor);
    return floor;
  }

  /** Drops the candidates below the floor, which only rises. */
  #prune(j: number, floor: number): void {
    const rows = this.#rows[j]!, scores = this.#scores[j]!;
    let kept = 0;
    for (let c = 0; c < this.#counts[j]; c++) {
      if (scores[c] >= floor) {
        rows[kept] = rows[c];
        scores[kept++] = scores[c];
      }
    }
    this.#counts[j] = kept;
    this.#limits[j] = Math.max(2 * this.#k + 32, 2 * kept);
  }

  /**
   * The exact top k of `row`, once every fast score has been offered: the
   * candidates within the margin of the k-th fast score, rescored in double
   * precision (as `topK` does). Frees the row's candidates.
   */
  exact(row: number): TopK {
    const { dim, vectors, ids } = this.#matrix;
    const j = row - this.#start;
    const k = this.#k;
    const threshold = this.#sizes[j] < k ? -Infinity : this.#heaps[j * k];
    // Any row of the exact top k scores at least (k-th fast − 2 × bound).
    const cutoff = threshold - this.#margins[j];
    const rows = this.#rows[j]!, scores = this.#scores[j]!;
    const query = row * dim;
    const best = new TopK(k);
    for (let c = 0; c < this.#counts[j]; c++) {
      if (!(scores[c] >= cutoff)) continue;
      const offset = rows[c] * dim;
      let score = 0;
      for (let i = 0; i < dim; i++) {
        score += vectors[offset + i] * vectors[query + i];
      }
      best.push(ids[rows[c]], score);
    }
    this.#rows[j] = this.#scores[j] = undefined;
    return best;
  }
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
