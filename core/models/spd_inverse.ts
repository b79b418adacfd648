/**
 * The inverse of a large symmetric positive definite matrix, as EASE needs
 * (P = (XᵀX + λI)⁻¹ over thousands of movies): a blocked symmetric
 * Gauss–Jordan sweep. Each step sweeps a block of 128 pivots and updates the
 * lower triangle of the whole matrix with one kernel, C −= W·Vᵀ, which runs
 * as WebAssembly SIMD with fused multiply-adds (core/models/spd_kernel.wat)
 * where the runtime has relaxed SIMD, and as plain JS otherwise. n³/2
 * multiply-adds in all, the same as LAPACK's Cholesky-based potri and 2.7×
 * fewer than an LU-based `inv`.
 *
 * The matrix lives in the kernel's memory: `allocateSpdMatrix` places it
 * there, so that inverting a 10k × 10k matrix (800 MB) never copies it.
 */
import { choleskyInverse } from "./linalg.ts";
import { SPD_KERNEL_WASM_BASE64 } from "./spd_kernel_wasm.ts";
import { kernelCompiler } from "../wasm_kernel.ts";

/** Which implementation runs the kernel. */
export type SpdBackend = "wasm" | "js";

/** Pivots swept per step: panels of 128 × n float64 stay in cache while they are reused. */
const BLOCK = 128;
const PAGE_BYTES = 65_536;
/** WebAssembly memory (32-bit addresses) ends at 4 GiB. */
const MAX_WASM_BYTES = 65_536 * PAGE_BYTES;

/**
 * C[i][j] = A_i · B_j (or C[i][j] −= A_i · B_j when `subtract`) for i < m,
 * j < min(k, i + shift + 1); every offset and stride in float64 elements of
 * the workspace heap.
 */
type Dots = (
  c: number,
  ldc: number,
  a: number,
  b: number,
  depth: number,
  m: number,
  k: number,
  shift: number,
  subtract: number,
) => void;

/** A matrix with room for the panels after it, and the kernel that reads them. */
interface Workspace {
  n: number;
  heap: Float64Array;
  dots: Dots;
  backend: SpdBackend;
}

/** The compiled kernel, or null when this runtime has no relaxed SIMD. */
const compiledKernel = kernelCompiler(SPD_KERNEL_WASM_BASE64);

/** The backend used when none is asked for: WebAssembly where it runs. */
export function defaultSpdBackend(): SpdBackend {
  return compiledKernel() ? "wasm" : "js";
}

/** Float64 elements a workspace for order n holds: the matrix, two panels, one block. */
function workspaceLength(n: number): number {
  return n * n + 2 * n * BLOCK + BLOCK * BLOCK;
}

/** The largest order the WebAssembly backend can hold (about 23 000). */
export const MAX_WASM_ORDER = (() => {
  let n = Math.floor(Math.sqrt(MAX_WASM_BYTES / 8));
  while (workspaceLength(n) * 8 > MAX_WASM_BYTES) n--;
  return n;
})();

// Workspaces made by `allocateSpdMatrix`, by the matrix's buffer.
const workspaces = new WeakMap<ArrayBufferLike, Workspace>();

function jsDots(heap: Float64Array): Dots {
  return (c, ldc, a, b, depth, m, k, shift, subtract) => {
    for (let i = 0; i < m; i++) {
      const limit = Math.max(0, Math.min(k, i + shift + 1));
      const ai = a + i * depth;
      const ci = c + i * ldc;
      for (let j = 0; j < limit; j++) {
        const bj = b + j * depth;
        let s0 = 0, s1 = 0;
        for (let p = 0; p < depth; p += 2) {
          s0 += heap[ai + p] * heap[bj + p];
          s1 += heap[ai + p + 1] * heap[bj + p + 1];
        }
        heap[ci + j] = subtract ? heap[ci + j] - (s0 + s1) : s0 + s1;
      }
    }
  };
}

function createWorkspace(n: number, backend: SpdBackend): Workspace {
  const length = workspaceLength(n);
  const module = backend === "wasm" ? compiledKernel() : null;
  if (!module) {
    const heap = new Float64Array(length);
    return { n, heap, dots: jsDots(heap), backend: "js" };
  }
  if (length * 8 > MAX_WASM_BYTES) {
    throw new RangeError(
      `Cannot invert a ${n} × ${n} matrix in WebAssembly: expected an order of at most ${MAX_WASM_ORDER} (4 GiB of memory), found ${n}`,
    );
  }
  const memory = new WebAssembly.Memory({
    initial: Math.ceil((length * 8) / PAGE_BYTES),
  });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const kernel = instance.exports.dots as Dots;
  return {
    n,
    heap: new Float64Array(memory.buffer, 0, length),
    // The kernel takes byte addresses; offsets past 2³¹ wrap into the i32 unsigned range.
    dots: (c, ldc, a, b, depth, m, k, shift, subtract) =>
      kernel(c * 8, ldc, a * 8, b * 8, depth, m, k, shift, subtract),
    backend: "wasm",
  };
}

/** Options of `allocateSpdMatrix` and `spdInverse`. */
export interface SpdOptions {
  /** Default: "wasm" where the runtime has relaxed SIMD, else "js". */
  backend?: SpdBackend;
}

/**
 * A zeroed row-major `n × n` Float64Array placed where `spdInverse` works,
 * so that inverting it copies nothing. Fill at least its lower triangle.
 *
 * @example
 * ```ts
 * const gram = allocateSpdMatrix(n);
 * gram[i * n + j] += 1; // j ≤ i
 * const p = spdInverse(gram, n);
 * ```
 */
export function allocateSpdMatrix(
  n: number,
  options: SpdOptions = {},
): Float64Array {
  const workspace = createWorkspace(
    n,
    options.backend ?? defaultSpdBackend(),
  );
  const matrix = workspace.heap.subarray(0, n * n);
  workspaces.set(matrix.buffer, workspace);
  return matrix;
}

/** Options of `spdInverse`. */
export interface SpdInverseOptions extends SpdOptions {
  /** Called after each block of pivots with the share of the work done (0–1]. */
  onProgress?: (done: number) => void;
}

/**
 * The inverse of a symmetric positive definite `n × n` matrix, of which only
 * the lower triangle is read. Works in place in a matrix from
 * `allocateSpdMatrix` and returns it; any other array is copied into a
 * workspace and the inverse copied back into it. Throws naming the row when
 * the matrix is not positive definite.
 *
 * @example
 * ```ts
 * spdInverse(new Float64Array([2, 0, 0, 4]), 2); // [0.5, 0, 0, 0.25]
 * ```
 */
export function spdInverse(
  a: Float64Array,
  n: number,
  options: SpdInverseOptions = {},
): Float64Array {
  if (a.length !== n * n) {
    throw new Error(
      `Expected a ${n} × ${n} matrix (${
        n * n
      } values), found ${a.length} values`,
    );
  }
  const own = workspaces.get(a.buffer);
  if (
    own && own.n === n && a.byteOffset === 0 &&
    (!options.backend || options.backend === own.backend)
  ) {
    sweep(own, options.onProgress);
    return a;
  }
  const copy = allocateSpdMatrix(n, options);
  copy.set(a);
  sweep(workspaces.get(copy.buffer)!, options.onProgress);
  a.set(copy);
  return a;
}

/** The blocked sweep: on return the workspace's matrix holds the full inverse. */
function sweep(workspace: Workspace, onProgress?: (done: number) => void) {
  const { n, heap, dots } = workspace;
  const v = n * n;
  const w = v + n * BLOCK;
  const d = w + n * BLOCK;
  const steps = Math.ceil(n / BLOCK);
  for (let step = 0; step < steps; step++) {
    const k = step * BLOCK;
    const size = Math.min(BLOCK, n - k);
    const depth = size + (size & 1); // the kernel reads pairs
    const rest = k + size;
    packPanel(heap, { n, k, size, depth, v });
    // D = A_KK⁻¹: the Schur complement left by earlier sweeps, positive definite.
    const block = new Float64Array(size * size);
    for (let i = 0; i < size; i++) {
      block.set(
        heap.subarray(v + (k + i) * depth, v + (k + i) * depth + size),
        i * size,
      );
    }
    let inverse: Float64Array;
    try {
      inverse = choleskyInverse(block, size);
    } catch (error) {
      throw new Error(
        (error as Error).message.replace(
          /at row (\d+)/,
          (_, r) => `at row ${k + Number(r)}`,
        ),
      );
    }
    heap.fill(0, d, d + depth * depth);
    for (let i = 0; i < size; i++) {
      heap.set(inverse.subarray(i * size, (i + 1) * size), d + i * depth);
    }
    // W = V·D, then A_ij −= W_i·V_j for i ≥ j outside the block.
    dots(w, depth, v, d, depth, n, depth, n, 0);
    for (let j = 0; j < k; j += BLOCK) {
      const width = Math.min(BLOCK, k - j);
      dots(
        j * n + j,
        n,
        w + j * depth,
        v + j * depth,
        depth,
        k - j,
        width,
        0,
        1,
      );
      dots(
        rest * n + j,
        n,
        w + rest * depth,
        v + j * depth,
        depth,
        n - rest,
        width,
        n,
        1,
      );
    }
    for (let j = rest; j < n; j += BLOCK) {
      const width = Math.min(BLOCK, n - j);
      dots(
        j * n + j,
        n,
        w + j * depth,
        v + j * depth,
        depth,
        n - j,
        width,
        0,
        1,
      );
    }
    // The block's row and column become W, its diagonal block −D.
    for (let p = 0; p < size; p++) {
      const row = (k + p) * n;
      for (let i = 0; i < k; i++) heap[row + i] = heap[w + i * depth + p];
      for (let q = 0; q <= p; q++) heap[row + k + q] = -inverse[p * size + q];
    }
    for (let i = rest; i < n; i++) {
      heap.copyWithin(i * n + k, w + i * depth, w + i * depth + size);
    }
    onProgress?.((step + 1) / steps);
  }
  negateAndMirror(heap, n);
}

/**
 * V[i] = row i of the symmetric matrix restricted to columns k … k + size,
 * read from the lower triangle, padded with a zero column to `depth`.
 */
function packPanel(
  heap: Float64Array,
  at: { n: number; k: number; size: number; depth: number; v: number },
): void {
  const { n, k, size, depth, v } = at;
  for (let p = 0; p < size; p++) {
    const row = (k + p) * n;
    for (let i = 0; i < k; i++) heap[v + i * depth + p] = heap[row + i];
  }
  for (let i = 0; i < size; i++) {
    for (let p = 0; p < size; p++) {
      heap[v + (k + i) * depth + p] = p <= i
        ? heap[(k + i) * n + k + p]
        : heap[(k + p) * n + k + i];
    }
  }
  for (let i = k + size; i < n; i++) {
    heap.copyWithin(v + i * depth, i * n + k, i * n + k + size);
  }
  if (depth > size) {
    for (let i = 0; i < n; i++) heap[v + i * depth + size] = 0;
  }
}

/** The sweep leaves −A⁻¹ in the lower triangle: negate it and fill the upper one, in tiles. */
function negateAndMirror(heap: Float64Array, n: number): void {
  const tile = 64;
  for (let ti = 0; ti < n; ti += tile) {
    const iEnd = Math.min(n, ti + tile);
    for (let tj = 0; tj <= ti; tj += tile) {
      for (let i = ti; i < iEnd; i++) {
        const jEnd = Math.min(i + 1, tj + tile);
        for (let j = tj; j < jEnd; j++) {
          const value = -heap[i * n + j];
          heap[i * n + j] = value;
          heap[j * n + i] = value;
        }
      }
    }
  }
}
