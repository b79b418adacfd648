/**
 * A skip ("haven't seen it") is no taste signal anywhere in core: training
 * ignores it, weights leave it out, and every recommender may still return
 * the skipped movie.
 */
import assert from "node:assert/strict";
import { isSkip, seenMovies } from "./skips.ts";
import { isPositive } from "./models/interaction_matrix.ts";
import {
  collaborativeWeights,
  ItemItemRecommender,
} from "./models/item_item_model.ts";
import { timeOrdered } from "./models/sequence.ts";
import { profileWeights } from "./profile.ts";
import { historyLength } from "./recommenders/history_router.ts";
import { ContentRecommender } from "./recommenders/content.ts";
import { PopularityRecommender } from "./recommenders/popular.ts";
import { HYBRID_DEFAULTS, HybridRecommender } from "./recommenders/hybrid.ts";
import {
  trainHybridParts,
  trainingInteractions,
} from "./training/hybrid_parts.ts";
import type { EmbeddingMatrix, Interaction } from "./types.ts";

const at = (
  userId: string,
  movieId: number,
  type: Interaction["type"],
  value: number | null = null,
  timestamp = movieId,
): Interaction => ({ userId, movieId, type, value, timestamp });

// Movies 1–3 go together; movie 4 is rated alone by a few.
const rows: Interaction[] = [];
for (let u = 0; u < 12; u++) {
  rows.push(at(`u${u}`, 1, "rating", 4), at(`u${u}`, 2, "rating", 5));
  if (u % 2 === 0) rows.push(at(`u${u}`, 3, "rating", 4));
  if (u < 3) rows.push(at(`u${u}`, 4, "rating", 3));
}
const skips = rows.map((r) => ({ ...r, movieId: r.movieId + 10 }))
  .map((r) => ({ ...r, type: "skip" as const, value: null }));
const content: EmbeddingMatrix = {
  ids: Int32Array.from([1, 2, 3, 4]),
  dim: 2,
  vectors: Float32Array.from([1, 0, 0.9, 0.1, 0.6, 0.8, 0, 1]),
};

Deno.test("seenMovies leaves out movies the user only skipped", () => {
  assert.ok(isSkip(at("me", 1, "skip")));
  const history = [
    at("me", 1, "skip"),
    at("me", 2, "rating", 4),
    at("me", 3, "skip"),
    at("me", 3, "view"),
  ];
  assert.deepEqual([...seenMovies(history)].sort(), [2, 3]);
});

Deno.test("skips are no training input and no weight", () => {
  assert.equal(isPositive(at("me", 1, "skip")), false);
  assert.deepEqual(trainingInteractions([...rows, ...skips]), rows);
  const history = [at("me", 1, "rating", 4), at("me", 2, "skip")];
  assert.deepEqual(collaborativeWeights(history).map((w) => w.movieId), [1]);
  assert.deepEqual(profileWeights(history).map((w) => w.movieId), [1]);
  assert.deepEqual(timeOrdered(history), [1]);
  assert.equal(historyLength(history), 1);
});

Deno.test("models trained with skips mixed in equal the ones trained without", () => {
  const clean = trainHybridParts(rows, { lambda: 1, minCount: 2 });
  const mixed = trainHybridParts(trainingInteractions([...rows, ...skips]), {
    lambda: 1,
    minCount: 2,
  });
  assert.deepEqual(mixed.ease.items, clean.ease.items);
  assert.deepEqual(mixed.ease.weights, clean.ease.weights);
  assert.deepEqual(mixed.timeline.seconds, clean.timeline.seconds);
});

Deno.test("every recommender may return a movie the user skipped", () => {
  const parts = trainHybridParts(rows, { lambda: 1, minCount: 2 });
  const history = [at("me", 1, "rating", 5), at("me", 2, "skip")];
  const recommenders = [
    new PopularityRecommender([
      { movieId: 1, ratingCount: 12, bayesianScore: 4 },
      { movieId: 2, ratingCount: 12, bayesianScore: 4.5 },
    ]),
    new ContentRecommender(content),
    new ItemItemRecommender(parts.ease),
    new HybridRecommender({ ...parts, content }, HYBRID_DEFAULTS),
  ];
  for (const recommender of recommenders) {
    const ids = recommender.recommend(history, { limit: 2 }).map((r) =>
      r.movieId
    );
    assert.equal(ids[0], 2, recommender.name);
    assert.ok(!ids.includes(1), recommender.name);
  }
});
