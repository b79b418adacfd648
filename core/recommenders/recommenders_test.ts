import assert from "node:assert/strict";
import { ContentRecommender } from "./content.ts";
import {
  coldStartRecommender,
  likedCount,
  PopularityRecommender,
} from "./popular.ts";
import { explain } from "../explain.ts";
import type { EmbeddingMatrix, Interaction } from "../types.ts";

const m: EmbeddingMatrix = {
  ids: Int32Array.from([1, 2, 3, 4]),
  dim: 2,
  vectors: Float32Array.from([1, 0, 0.8, 0.6, 0, 1, -1, 0]),
};
const rated = (movieId: number, value: number): Interaction => ({
  userId: "u",
  movieId,
  type: "rating",
  value,
  timestamp: 0,
});

Deno.test("content recommends the nearest unseen movies and says why", () => {
  const recs = new ContentRecommender(m).recommend([rated(1, 5)], { limit: 2 });
  assert.deepEqual(recs.map((r) => r.movieId), [2, 3]);
  assert.deepEqual(recs[0].explanation, { kind: "rated", because: [1] });
  assert.ok(Math.abs(recs[0].score - 0.8) < 1e-6);
});

Deno.test("content honours exclude and filter, and is empty without a profile", () => {
  const recommender = new ContentRecommender(m);
  const recs = recommender.recommend([rated(1, 5)], {
    limit: 5,
    exclude: new Set([2]),
    filter: (id) => id !== 4,
  });
  assert.deepEqual(recs.map((r) => r.movieId), [3]);
  assert.deepEqual(recommender.recommend([], { limit: 5 }), []);
});

Deno.test("popularity skips seen and unrated movies and keeps order", () => {
  const recommender = new PopularityRecommender([
    { movieId: 1, bayesianScore: 4, ratingCount: 10 },
    { movieId: 2, bayesianScore: 4.5, ratingCount: 3 },
    { movieId: 3, bayesianScore: 5, ratingCount: 0 },
    { movieId: 4, bayesianScore: 3, ratingCount: 8 },
  ]);
  const recs = recommender.recommend([rated(2, 4)], { limit: 5 });
  assert.deepEqual(recs.map((r) => r.movieId), [1, 4]);
  assert.equal(recs[0].explanation.kind, "popular");
});

Deno.test("cold start ranks by liked count (ratings ≥ 4), ties by id", () => {
  const histogram = (low: number, liked: number[]) => [
    low,
    0,
    0,
    0,
    0,
    0,
    0,
    ...liked,
  ];
  const recommender = coldStartRecommender([
    { movieId: 1, ratingCount: 9, ratingHistogram: histogram(8, [1, 0, 0]) },
    { movieId: 2, ratingCount: 3, ratingHistogram: histogram(0, [0, 1, 2]) },
    { movieId: 3, ratingCount: 4, ratingHistogram: histogram(1, [0, 0, 3]) },
    { movieId: 4, ratingCount: 0, ratingHistogram: histogram(0, [0, 0, 0]) },
  ]);
  assert.equal(recommender.name, "popular");
  assert.deepEqual(
    recommender.recommend([], { limit: 5 }).map((r) => [r.movieId, r.score]),
    [[2, 3], [3, 3], [1, 1]],
  );
  assert.equal(likedCount(undefined), 0);
});

Deno.test("explain names at most three positive contributors, strongest first", () => {
  const weights = [1, 2, 3, 4, 5].map((movieId) => ({
    movieId,
    weight: movieId === 5 ? -1 : 1,
    type: "rating" as const,
  }));
  assert.deepEqual(explain(weights, [0.1, 0.4, 0.3, 0.2, 0.9]), {
    kind: "rated",
    because: [2, 3, 4],
  });
  assert.deepEqual(explain(weights, [0, 0, 0, 0, 0]), {
    kind: "popular",
    because: [],
  });
});

Deno.test("content explains with the values contributions() gives, for every candidate", () => {
  // seeded random unit rows, 37 of them, 12 dims (not a multiple of 4)
  let seed = 11;
  const next = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
  const rows = 37;
  const dim = 12;
  const vectors = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      vectors[r * dim + d] = next();
      norm += vectors[r * dim + d] ** 2;
    }
    for (let d = 0; d < dim; d++) vectors[r * dim + d] /= Math.sqrt(norm);
  }
  const matrix: EmbeddingMatrix = {
    ids: Int32Array.from({ length: rows }, (_, i) => 100 + i),
    dim,
    vectors,
  };
  const recommender = new ContentRecommender(matrix);
  const weights = [
    { movieId: 100, weight: 1.5, type: "rating" as const },
    { movieId: 101, weight: -0.5, type: "rating" as const },
    { movieId: 999, weight: 1, type: "like" as const }, // no embedding
    { movieId: 105, weight: 0.25, type: "view" as const },
    { movieId: 107, weight: 0, type: "rating" as const },
  ];
  // 7 candidates: one short block of four, plus one without an embedding
  const candidates = [110, 111, 112, 113, 114, 115, 998];
  const fast = recommender.explainedContributions(weights, candidates);
  candidates.forEach((id, c) => {
    const slow = recommender.contributions(weights, id);
    weights.forEach((w, i) => {
      const expected = w.weight > 0 ? slow[i] : 0;
      assert.ok(Object.is(fast[c][i], expected), `${id} × ${w.movieId}`);
      assert.deepEqual(explain(weights, fast[c]), explain(weights, slow));
    });
  });
});
