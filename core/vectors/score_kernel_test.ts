import assert from "node:assert/strict";
import {
  allocateVectors,
  createRowScorer,
  rowScorer,
  simdAvailable,
} from "./score_kernel.ts";
import { topK } from "./top_k.ts";
import type { EmbeddingMatrix, ScoredMovie } from "../types.ts";

/** mulberry32: a small seeded generator, so failures replay. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Unit rows; with `levels`, coordinates are coarse so that many scores tie. */
function unitMatrix(
  rows: number,
  dim: number,
  seed: number,
  levels = 0,
): EmbeddingMatrix {
  const next = random(seed);
  const vectors = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let i = 0; i < dim; i++) {
      let v = next() * 2 - 1;
      if (levels) v = Math.round(v * levels) / levels;
      vectors[r * dim + i] = v;
      sum += v * v;
    }
    const norm = Math.sqrt(sum) || 1;
    for (let i = 0; i < dim; i++) vectors[r * dim + i] /= norm;
  }
  // ids out of order and sparse, as MovieLens ids are
  const ids = Int32Array.from({ length: rows }, (_, r) => (r * 7919) % 100_003);
  return { ids, dim, vectors };
}

/** The plain double-precision scan with a full sort: the reference. */
function exactTopK(
  matrix: EmbeddingMatrix,
  query: Float32Array,
  k: number,
  keep: (id: number) => boolean = () => true,
): ScoredMovie[] {
  const all: ScoredMovie[] = [];
  for (let row = 0; row < matrix.ids.length; row++) {
    if (!keep(matrix.ids[row])) continue;
    let score = 0;
    for (let i = 0; i < matrix.dim; i++) {
      score += matrix.vectors[row * matrix.dim + i] * query[i];
    }
    all.push({ movieId: matrix.ids[row], score });
  }
  all.sort((a, b) => b.score - a.score || a.movieId - b.movieId);
  return all.slice(0, k);
}

Deno.test("every backend scores within its error bound of the exact dot product", () => {
  for (const dim of [384, 20, 10]) {
    const matrix = unitMatrix(700, dim, dim);
    const query = matrix.vectors.slice(0, dim).map((v) => v * 3); // norm 3
    for (const backend of ["wasm", "js"] as const) {
      const scorer = createRowScorer(matrix, backend);
      const scores = scorer.score(query);
      const bound = scorer.errorBound(3);
      assert.ok(bound > 0 && bound < 1e-3, `bound ${bound}`);
      for (let row = 0; row < 700; row++) {
        let exact = 0;
        for (let i = 0; i < dim; i++) {
          exact += matrix.vectors[row * dim + i] * query[i];
        }
        assert.ok(
          Math.abs(scores[row] - exact) <= bound,
          `${backend} dim ${dim} row ${row}: ${scores[row]} vs ${exact}`,
        );
      }
    }
  }
});

Deno.test("scoreBlock scores a block of queries within the error bound", () => {
  for (const dim of [384, 20, 10]) {
    const matrix = unitMatrix(301, dim, dim + 1); // an odd row count
    const count = 5; // not a multiple of 4
    const queries = matrix.vectors.slice(7 * dim, (7 + count) * dim);
    for (const backend of ["wasm", "js"] as const) {
      const scorer = createRowScorer(matrix, backend);
      const bound = scorer.errorBound(1);
      // every row, then rows 100 to 251 (an odd count from an even start)
      for (const [from, to] of [[0, 301], [100, 251]]) {
        const block = scorer.scoreBlock(queries, { count, from, to });
        const rows = to - from;
        assert.equal(block.length, count * rows);
        for (let q = 0; q < count; q++) {
          for (let row = from; row < to; row++) {
            let exact = 0;
            for (let i = 0; i < dim; i++) {
              exact += matrix.vectors[row * dim + i] * queries[q * dim + i];
            }
            assert.ok(
              Math.abs(block[q * rows + row - from] - exact) <= bound,
              `${backend} dim ${dim} query ${q} row ${row}`,
            );
          }
        }
      }
      assert.throws(
        () => scorer.scoreBlock(queries, { count: 33 }),
        /block of 33 queries: expected 0 to 32/,
      );
      assert.throws(
        () => scorer.scoreBlock(queries, { count: 6 }),
        /expected 6 × \d+ = \d+ floats, found/,
      );
      assert.throws(
        () => scorer.scoreBlock(queries, { count, from: 5, to: 302 }),
        /expected rows 0 ≤ from ≤ to ≤ 301, found 5 to 302/,
      );
    }
  }
});

Deno.test("the SIMD kernel is used where the runtime supports it", () => {
  const matrix = unitMatrix(100, 384, 1);
  const expected = simdAvailable() ? "wasm" : "js";
  assert.equal(rowScorer(matrix).backend, expected);
  // odd dimensions stay in JS whatever the runtime
  assert.equal(createRowScorer(unitMatrix(10, 10, 1), "wasm").backend, "js");
});

Deno.test("topK returns exactly the exact top k on seeded random data", () => {
  const matrix = unitMatrix(3000, 384, 7);
  const next = random(99);
  for (let trial = 0; trial < 5; trial++) {
    const query = matrix.vectors.slice(
      trial * 384 * 11,
      trial * 384 * 11 + 384,
    );
    const excluded = new Set(
      Array.from({ length: 50 }, () => matrix.ids[Math.floor(next() * 3000)]),
    );
    const filter = (id: number) => id % 3 !== 0;
    assert.deepEqual(
      topK(matrix, query, { k: 20, exclude: excluded, filter }),
      exactTopK(matrix, query, 20, (id) => !excluded.has(id) && filter(id)),
    );
    assert.deepEqual(
      topK(matrix, query, { k: 1 }),
      exactTopK(matrix, query, 1),
    );
  }
});

Deno.test("topK stays exact when many scores tie or nearly tie", () => {
  // coordinates on a coarse grid: scores collide far more than by chance
  const matrix = unitMatrix(2000, 64, 3, 2);
  for (let q = 0; q < 5; q++) {
    const query = matrix.vectors.slice(q * 64, q * 64 + 64);
    assert.deepEqual(
      topK(matrix, query, { k: 25 }),
      exactTopK(matrix, query, 25),
    );
  }
});

Deno.test("the first search moves a large matrix into the kernel's memory", () => {
  const matrix = unitMatrix(500, 384, 11);
  const original = matrix.vectors;
  const query = original.slice(384, 768);
  const expected = exactTopK(matrix, query, 10);
  assert.deepEqual(topK(matrix, query, { k: 10 }), expected);
  if (simdAvailable()) assert.notEqual(matrix.vectors, original);
  assert.deepEqual(matrix.vectors, original);
  // searches through the new view, or through the old one, agree
  assert.deepEqual(topK(matrix, query, { k: 10 }), expected);
  assert.deepEqual(
    topK({ ...matrix, vectors: original }, query, { k: 10 }),
    expected,
  );
  // a frozen matrix is searched as it is
  const frozen = Object.freeze(unitMatrix(500, 384, 12));
  assert.deepEqual(
    topK(frozen, query, { k: 10 }),
    exactTopK(frozen, query, 10),
  );
});

Deno.test("vectors from allocateVectors are searched where they are", () => {
  const source = unitMatrix(600, 384, 13);
  const vectors = allocateVectors(600, 384);
  vectors.set(source.vectors);
  const matrix = { ids: source.ids, dim: 384, vectors };
  const query = source.vectors.slice(0, 384);
  assert.deepEqual(
    topK(matrix, query, { k: 15 }),
    exactTopK(source, query, 15),
  );
  assert.equal(matrix.vectors, vectors); // not copied, not replaced
  // too small or odd shapes get a plain array, searched the usual way
  assert.equal(allocateVectors(3, 5).length, 15);
});

Deno.test("a scorer refuses vectors that do not fill rows × dim", () => {
  assert.throws(
    () =>
      createRowScorer(
        { ids: new Int32Array(2), dim: 4, vectors: new Float32Array(7) },
        "js",
      ),
    /expected 2 rows × 4 = 8 floats, found 7/,
  );
});
