import assert from "node:assert/strict";
import { ContentRecommender } from "./content.ts";
import { PopularityRecommender } from "./popular.ts";
import { explain } from "./explain.ts";
import type { EmbeddingMatrix, Interaction } from "./types.ts";

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
