import assert from "node:assert/strict";
import { rowIndex, similarMovies, TopK, topK } from "./top_k.ts";
import type { EmbeddingMatrix } from "../types.ts";

function matrix(ids: number[], rows: number[][]): EmbeddingMatrix {
  return {
    ids: Int32Array.from(ids),
    dim: rows[0].length,
    vectors: Float32Array.from(rows.flat()),
  };
}

// Unit vectors at known angles: dot with (1, 0) is the first coordinate.
const m = matrix([10, 20, 30, 40], [[1, 0], [0.6, 0.8], [0, 1], [-1, 0]]);

Deno.test("topK returns the best k by dot product, best first", () => {
  assert.deepEqual(topK(m, new Float32Array([1, 0]), { k: 2 }), [
    { movieId: 10, score: 1 },
    { movieId: 20, score: 0.6000000238418579 },
  ]);
});

Deno.test("topK honours exclusions and filters", () => {
  const best = topK(m, new Float32Array([1, 0]), {
    k: 2,
    exclude: new Set([10]),
    filter: (id) => id !== 20,
  });
  assert.deepEqual(best.map((s) => s.movieId), [30, 40]);
});

Deno.test("topK with k larger than N returns all rows, sorted", () => {
  const best = topK(m, new Float32Array([1, 0]), { k: 99 });
  assert.deepEqual(best.map((s) => s.movieId), [10, 20, 30, 40]);
});

Deno.test("topK with k = 0 or an empty matrix returns nothing", () => {
  assert.deepEqual(topK(m, new Float32Array([1, 0]), { k: 0 }), []);
  const empty: EmbeddingMatrix = {
    ids: new Int32Array(0),
    dim: 2,
    vectors: new Float32Array(0),
  };
  assert.deepEqual(topK(empty, new Float32Array([1, 0]), { k: 3 }), []);
});

Deno.test("ties are broken by the smaller id, whatever the input order", () => {
  const tied = matrix([5, 3, 9, 1], [[1, 0], [1, 0], [1, 0], [0, 1]]);
  assert.deepEqual(
    topK(tied, new Float32Array([1, 0]), { k: 2 }).map((s) => s.movieId),
    [3, 5],
  );
});

Deno.test("a zero query scores every row 0 and still returns k rows", () => {
  const best = topK(m, new Float32Array([0, 0]), { k: 2 });
  assert.deepEqual(best, [{ movieId: 10, score: 0 }, {
    movieId: 20,
    score: 0,
  }]);
});

Deno.test("topK refuses a query of the wrong dimension", () => {
  assert.throws(
    () => topK(m, new Float32Array([1]), { k: 1 }),
    /query has 1 dimensions, matrix has 2/,
  );
});

Deno.test("the heap agrees with a full sort on random data", () => {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const heap = new TopK(7);
  const all: { movieId: number; score: number }[] = [];
  for (let id = 0; id < 500; id++) {
    const score = Math.round(random() * 50); // many ties
    heap.push(id, score);
    all.push({ movieId: id, score });
  }
  all.sort((a, b) => b.score - a.score || a.movieId - b.movieId);
  assert.deepEqual(heap.result(), all.slice(0, 7));
});

Deno.test("similarMovies excludes the movie itself and unknown ids give []", () => {
  const index = rowIndex(m);
  assert.deepEqual(
    similarMovies(m, 10, { index, k: 1 }).map((s) => s.movieId),
    [20],
  );
  assert.deepEqual(similarMovies(m, 999, { index, k: 3 }), []);
});
