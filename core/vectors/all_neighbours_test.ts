import assert from "node:assert/strict";
import { allNeighbours, neighbourBlocks } from "./all_neighbours.ts";
import { rowScorer, simdAvailable } from "./score_kernel.ts";
import { rowIndex, similarMovies } from "./top_k.ts";
import { randomMatrix } from "../../tests/fixtures/random_matrix.ts";
import type { EmbeddingMatrix } from "../types.ts";

/** Each coordinate ±1/√dim by its sign: scores take few values, and tie. */
function coarse(matrix: EmbeddingMatrix): EmbeddingMatrix {
  const step = 1 / Math.sqrt(matrix.dim);
  const vectors = matrix.vectors.map((v) => (v < 0 ? -step : step));
  return { ...matrix, vectors };
}

/** Asserts that every row's packed neighbours are `similarMovies`', bit for bit. */
function assertSameAsSimilarMovies(
  matrix: EmbeddingMatrix,
  options: { k: number; batch?: number },
): void {
  const { k } = options;
  const all = allNeighbours(matrix, options);
  const index = rowIndex(matrix);
  assert.equal(all.count, matrix.ids.length);
  for (let row = 0; row < matrix.ids.length; row++) {
    const expected = similarMovies(matrix, matrix.ids[row], { index, k });
    const ids = [...all.ids.subarray(row * k, (row + 1) * k)];
    const scores = [...all.scores.subarray(row * k, (row + 1) * k)];
    const pad = k - expected.length;
    assert.deepEqual(ids, [
      ...expected.map((s) => s.movieId),
      ...Array(pad).fill(-1),
    ], `row ${row}`);
    assert.deepEqual(scores, [
      ...expected.map((s) => s.score),
      ...Array(pad).fill(NaN),
    ], `row ${row}`);
  }
}

Deno.test("allNeighbours equals similarMovies of every row on random data", () => {
  // 600 × 64 is large enough for the WebAssembly kernel
  const matrix = randomMatrix(600, 64, 5);
  assertSameAsSimilarMovies(matrix, { k: 10 });
  assert.equal(rowScorer(matrix).backend, simdAvailable() ? "wasm" : "js");
  // any batch size: a block of one, an odd one that is not a multiple of 4
  assertSameAsSimilarMovies(matrix, { k: 7, batch: 1 });
  assertSameAsSimilarMovies(matrix, { k: 3, batch: 7 });
});

Deno.test("allNeighbours stays exact with the JS fallback (dim not a multiple of 4)", () => {
  const matrix = randomMatrix(300, 10, 6);
  assert.equal(rowScorer(matrix).backend, "js");
  assertSameAsSimilarMovies(matrix, { k: 12 });
  assertSameAsSimilarMovies(matrix, { k: 5, batch: 3 });
});

Deno.test("allNeighbours breaks ties like topK: duplicates, coarse grids, zero rows", () => {
  const dim = 32;
  const matrix = coarse(randomMatrix(800, dim, 7));
  const { vectors } = matrix;
  // exact copies of row 0 and row 1, and rows of zeros
  for (const row of [10, 200, 555]) {
    vectors.copyWithin(row * dim, 0, dim);
  }
  vectors.copyWithin(301 * dim, dim, 2 * dim);
  for (const row of [3, 400, 799]) vectors.fill(0, row * dim, (row + 1) * dim);
  assertSameAsSimilarMovies(matrix, { k: 20 });
  const all = allNeighbours(matrix, { k: 3 });
  // a zero row scores 0 with everything: the smallest ids win
  const sorted = [...matrix.ids].filter((id) => id !== matrix.ids[3])
    .sort((a, b) => a - b);
  assert.deepEqual([...all.ids.subarray(3 * 3, 4 * 3)], sorted.slice(0, 3));
  // row 0's copies tie at the top, in id order
  const copies = [10, 200, 555].map((r) => matrix.ids[r]).sort((a, b) => a - b);
  assert.deepEqual([...all.ids.subarray(0, 3)], copies);
});

Deno.test("allNeighbours with k ≥ rows pads with -1 and NaN", () => {
  const matrix = randomMatrix(5, 8, 8);
  assertSameAsSimilarMovies(matrix, { k: 9 });
  const all = allNeighbours(matrix, { k: 9 });
  assert.deepEqual([...all.ids.subarray(4, 9)], [-1, -1, -1, -1, -1]);
  assert.ok(Number.isNaN(all.scores[8]));
  // one movie has no neighbours; k = 0 and no rows give nothing
  const one = allNeighbours(randomMatrix(1, 8, 9), { k: 2 });
  assert.deepEqual([...one.ids], [-1, -1]);
  assert.deepEqual(allNeighbours(matrix, { k: 0 }).ids.length, 0);
  const empty = { ids: new Int32Array(0), dim: 8, vectors: new Float32Array() };
  assert.equal(allNeighbours(empty, { k: 4 }).count, 0);
});

Deno.test("neighbourBlocks yields blocks of `batch` rows from start to end", () => {
  const matrix = randomMatrix(500, 64, 10);
  const blocks = [...neighbourBlocks(matrix, { k: 4, batch: 32, start: 7 })];
  assert.deepEqual(
    blocks.map((b) => [b.start, b.count]),
    Array.from({ length: 16 }, (_, i) => [7 + 32 * i, i === 15 ? 13 : 32]),
  );
  const whole = allNeighbours(matrix, { k: 4 });
  const part = allNeighbours(matrix, { k: 4, start: 100, end: 140 });
  assert.deepEqual(part.ids, whole.ids.slice(400, 560));
  assert.deepEqual(part.scores, whole.scores.slice(400, 560));
});

Deno.test("allNeighbours refuses duplicate ids and bad options", () => {
  const matrix = randomMatrix(4, 8, 11);
  assert.throws(
    () =>
      allNeighbours({ ...matrix, ids: Int32Array.from([1, 2, 3, 2]) }, {
        k: 1,
      }),
    /movie id 2 is in rows 1 and 3; expected unique ids/,
  );
  assert.throws(() => allNeighbours(matrix, { k: 1.5 }), /k to be a whole/);
  assert.throws(
    () => allNeighbours(matrix, { k: 1, batch: 33 }),
    /batch from 1 to 32/,
  );
  assert.throws(
    () => allNeighbours(matrix, { k: 1, end: 5 }),
    /start ≤ end ≤ 4 rows/,
  );
});
