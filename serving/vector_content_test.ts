import assert from "node:assert/strict";
import { ContentRecommender } from "../core/recommenders/content.ts";
import type { Interaction } from "../core/types.ts";
import { didTo } from "../core/interaction_fixture.ts";
import { VectorContentRecommender } from "./vector_content.ts";
import { MemoryVectorIndex } from "./vector_search.ts";
import { randomMatrix } from "../tests/fixtures/random_matrix.ts";

const history: Interaction[] = [
  didTo(1, { rating: 5 }),
  didTo(10, { rating: 4.5 }),
  didTo(19, { rating: 1 }),
  didTo(28, "like"),
  didTo(37, "dislike"),
  didTo(46, "view"),
  didTo(2, { rating: 4 }), // no vector: ignored by both
];

Deno.test("through the memory index it recommends exactly what ContentRecommender does", async () => {
  const matrix = randomMatrix(800, 24);
  const reference = new ContentRecommender(matrix);
  const viaIndex = new VectorContentRecommender(
    new MemoryVectorIndex(matrix, "tfidf"),
  );
  for (
    const options of [
      { limit: 20 },
      { limit: 7, exclude: new Set([55, 64]) },
      { limit: 10, filter: (id: number) => id % 3 === 1 && id % 2 === 0 },
    ]
  ) {
    const expected = reference.recommend(history, options);
    assert.equal(expected.length, options.limit);
    assert.deepEqual(await viaIndex.recommend(history, options), expected);
  }
});

Deno.test("without a usable profile it returns nothing (callers fall back to popular)", async () => {
  const viaIndex = new VectorContentRecommender(
    new MemoryVectorIndex(randomMatrix(50, 8), "tfidf"),
  );
  assert.deepEqual(await viaIndex.recommend([], { limit: 5 }), []);
  assert.deepEqual(
    await viaIndex.recommend([didTo(2, "like")], { limit: 5 }),
    [],
    "movie 2 has no vector",
  );
});
