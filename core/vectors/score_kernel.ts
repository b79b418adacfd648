/**
 * The scoring kernels under `topK` and `allNeighbours`: the dot product of one
 * query, or of a block of queries, with every row of an embedding matrix.
 * WebAssembly SIMD when the runtime has it (the matrix is copied once into
 * the module's memory), unrolled JS loops otherwise. All are approximate
 * within `errorBound`, so callers rerank their few borderline candidates
 * exactly and return what an exact scan would.
 */
import type { EmbeddingMatrix } from "../types.ts";
import { SCORE_KERNEL_WASM_BASE64 } from "./score_kernel_wasm.ts";
import { SCORE_BLOCK_KERNEL_WASM_BASE64 } from "./score_block_kernel_wasm.ts";
import { kernelCompiler } from "../wasm_kernel.ts";
import {
  BLOCK_QUERIES,
  type BlockOptions,
  checkBlock,
  JsScorer,
  maxRowNorm,
  type RowScorer,
  type ScorerBackend,
  summationBound,
} from "./row_scorer.ts";

export { BLOCK_QUERIES } from "./row_scorer.ts";
export type { BlockOptions, RowScorer, ScorerBackend } from "./row_scorer.ts";

/** Below this many floats the copy into WebAssembly memory is not worth it. */
const WASM_MIN_FLOATS = 16_384;
const PAGE_BYTES = 65_536;

interface KernelExports {
  scores(
    matrix: number,
    rows: number,
    dim: number,
    query: number,
    out: number,
  ): void;
}

interface BlockKernelExports {
  blockScores(
    matrix: number,
    rows: number,
    dim: number,
    queries: number,
    count: number,
    out: number,
  ): void;
}

/** The compiled kernel, or null when this runtime has no WebAssembly SIMD. */
const compiledKernel = kernelCompiler(SCORE_KERNEL_WASM_BASE64);
/** The block kernel, or null without relaxed SIMD (blocks then loop `scores`). */
const compiledBlockKernel = kernelCompiler(SCORE_BLOCK_KERNEL_WASM_BASE64);

/** True when the WebAssembly SIMD kernel can run here. */
export function simdAvailable(): boolean {
  return compiledKernel() !== null;
}

// Memories made by `allocateVectors`, by their buffer, with their shape.
const kernelMemories = new WeakMap<
  ArrayBufferLike,
  { memory: WebAssembly.Memory; rows: number; dim: number }
>();

/**
 * Byte offsets in a kernel memory: the matrix at 0, then one query and its
 * scores, then a block of queries and theirs (16-byte aligned for SIMD).
 */
function kernelLayout(rows: number, dim: number) {
  const query = rows * dim * 4;
  const scores = query + dim * 4;
  const blockQueries = Math.ceil((scores + rows * 4) / 16) * 16;
  const blockScores = blockQueries + BLOCK_QUERIES * dim * 4;
  return {
    query,
    scores,
    blockQueries,
    blockScores,
    bytes: blockScores + BLOCK_QUERIES * rows * 4,
  };
}

/**
 * A memory for the kernel (see `kernelLayout`). The block area is about an
 * eighth of a 256-float matrix, but pages nobody writes are never resident,
 * so a server that only searches one query at a time does not pay for it.
 */
function kernelMemory(rows: number, dim: number): WebAssembly.Memory {
  const { bytes } = kernelLayout(rows, dim);
  // sized once and never grown, so views of it stay attached
  return new WebAssembly.Memory({
    initial: Math.max(1, Math.ceil(bytes / PAGE_BYTES)),
  });
}

/**
 * A zeroed Float32Array of `rows × dim` for an `EmbeddingMatrix`, placed where
 * the SIMD kernel reads it, so that the first search does not copy it (at
 * 100k × 384 the copy would hold 154 MB twice at the peak). A plain
 * Float32Array when the kernel cannot run here. Loaders fill it in place.
 *
 * @example
 * const vectors = allocateVectors(ids.length, 384); // instead of new Float32Array(...)
 */
export function allocateVectors(rows: number, dim: number): Float32Array {
  if (!compiledKernel() || dim % 4 !== 0 || rows * dim < WASM_MIN_FLOATS) {
    return new Float32Array(rows * dim);
  }
  const memory = kernelMemory(rows, dim);
  kernelMemories.set(memory.buffer, { memory, rows, dim });
  return new Float32Array(memory.buffer, 0, rows * dim);
}

/** The matrix copied into WebAssembly memory, with room for query and scores. */
class WasmScorer implements RowScorer {
  readonly backend = "wasm";
  readonly vectors: Float32Array;
  readonly #scores: Float32Array;
  readonly #query: Float32Array;
  readonly #blockQueries: Float32Array;
  readonly #blockScores: Float32Array;
  readonly #kernel: KernelExports;
  readonly #blockKernel: BlockKernelExports | null;
  readonly #rows: number;
  readonly #dim: number;
  readonly errorBound: (queryNorm: number) => number;

  constructor(module: WebAssembly.Module, matrix: EmbeddingMatrix) {
    const { dim, vectors } = matrix;
    const rows = matrix.ids.length;
    const layout = kernelLayout(rows, dim);
    // vectors from `allocateVectors` already sit in a kernel memory: no copy
    const own = kernelMemories.get(vectors.buffer);
    const memory = own && vectors.byteOffset === 0 &&
        own.rows === rows && own.dim === dim
      ? own.memory
      : kernelMemory(rows, dim);
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    this.#kernel = instance.exports as unknown as KernelExports;
    const blockModule = compiledBlockKernel();
    this.#blockKernel = blockModule
      ? new WebAssembly.Instance(blockModule, { env: { memory } })
        .exports as unknown as BlockKernelExports
      : null;
    if (memory === own?.memory) this.vectors = vectors;
    else {
      this.vectors = new Float32Array(memory.buffer, 0, rows * dim);
      this.vectors.set(vectors);
    }
    const { buffer } = memory;
    this.#query = new Float32Array(buffer, layout.query, dim);
    this.#scores = new Float32Array(buffer, layout.scores, rows);
    this.#blockQueries = new Float32Array(
      buffer,
      layout.blockQueries,
      BLOCK_QUERIES * dim,
    );
    this.#blockScores = new Float32Array(
      buffer,
      layout.blockScores,
      BLOCK_QUERIES * rows,
    );
    this.#rows = rows;
    this.#dim = dim;
    this.errorBound = summationBound(dim, 2 ** -24, maxRowNorm(vectors, dim));
  }

  score(query: Float32Array): Float32Array {
    this.#query.set(query);
    this.#kernel.scores(
      0,
      this.#rows,
      this.#dim,
      this.#query.byteOffset,
      this.#scores.byteOffset,
    );
    return this.#scores;
  }

  scoreBlock(queries: Float32Array, options: BlockOptions): Float32Array {
    const dim = this.#dim;
    const { count, from, rows } = checkBlock(queries, {
      ...options,
      dim,
      rows: this.#rows,
    });
    this.#blockQueries.set(queries.subarray(0, count * dim));
    const out = this.#blockScores.byteOffset;
    const matrix = from * dim * 4;
    if (this.#blockKernel) {
      // the kernel takes queries four at a time: pad with stale ones
      this.#blockKernel.blockScores(
        matrix,
        rows,
        dim,
        this.#blockQueries.byteOffset,
        Math.ceil(count / 4) * 4,
        out,
      );
    } else {
      for (let q = 0; q < count; q++) {
        this.#kernel.scores(
          matrix,
          rows,
          dim,
          this.#blockQueries.byteOffset + q * dim * 4,
          out + q * rows * 4,
        );
      }
    }
    return this.#blockScores.subarray(0, count * rows);
  }
}

/**
 * A new scorer for `matrix` with the given backend ("wasm" falls back to
 * "js" when SIMD is missing or `dim` is not a multiple of 4). Uncached: for
 * benchmarks and tests; `rowScorer` is what search uses.
 */
export function createRowScorer(
  matrix: EmbeddingMatrix,
  backend: ScorerBackend,
): RowScorer {
  const expected = matrix.ids.length * matrix.dim;
  if (matrix.vectors.length !== expected) {
    throw new RangeError(
      `Cannot score: expected ${matrix.ids.length} rows × ${matrix.dim} = ${expected} floats, found ${matrix.vectors.length}`,
    );
  }
  const module = compiledKernel();
  if (backend === "wasm" && module && matrix.dim % 4 === 0) {
    return new WasmScorer(module, matrix);
  }
  return new JsScorer(matrix);
}

// Keyed by the vectors, so a scorer lives exactly as long as its matrix.
const scorers = new WeakMap<
  Float32Array,
  { rows: number; dim: number; scorer: RowScorer }
>();

/**
 * The cached scorer of `matrix`, built on first use. A matrix big enough for
 * the WebAssembly kernel is adopted: its rows are copied into the kernel's
 * memory and `matrix.vectors` is replaced by an equal view of that copy, so
 * that one copy is kept, not two (a 100k × 384 matrix is 154 MB). Treat the
 * matrix as immutable once searched: a reference to the old `vectors` taken
 * before the first search is not searched any more.
 */
export function rowScorer(matrix: EmbeddingMatrix): RowScorer {
  const rows = matrix.ids.length;
  const { dim } = matrix;
  const cached = scorers.get(matrix.vectors);
  if (cached && cached.rows === rows && cached.dim === dim) {
    return cached.scorer;
  }
  const big = rows * dim >= WASM_MIN_FLOATS;
  const scorer = createRowScorer(matrix, big ? "wasm" : "js");
  const entry = { rows, dim, scorer };
  scorers.set(matrix.vectors, entry);
  if (scorer instanceof WasmScorer) {
    scorers.set(scorer.vectors, entry);
    // a frozen matrix keeps its own copy: Reflect.set reports, never throws
    Reflect.set(matrix, "vectors", scorer.vectors);
  }
  return scorer;
}
