import assert from "node:assert/strict";
import { ContentRecommender } from "../core/recommenders/content.ts";
import type { Interaction } from "../core/types.ts";
import { VectorContentRecommender } from "./vector_content.ts";
import { MemoryVectorIndex } from "./vector_search.ts";
import { randomMatrix } from "../tests/fixtures/random_matrix.ts";

const interaction = (
  movieId: number,
  type: Interaction["type"],
  value: number | null = null,
): Interaction => ({ userId: "u", movieId, type, value, timestamp: movieId });

const history: Interaction[] = [
  interaction(1, "rating", 5),
  interaction(10, "rating", 4.5),
  interaction(19, "rating", 1),
  interaction(28, "like"),
  interaction(37, "dislike"),
  interaction(46, "view"),
  interaction(2, "rating", 4), // no vector: ignored by both
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
    await viaIndex.recommend([interaction(2, "like")], { limit: 5 }),
    [],
    "movie 2 has no vector",
  );
});
