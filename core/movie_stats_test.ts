import assert from "node:assert/strict";
import { bayesianAverage, movieStats } from "./movie_stats.ts";

Deno.test("bayesianAverage shrinks few ratings towards the global mean", () => {
  assert.equal(
    bayesianAverage({ sum: 5, count: 1 }, { globalMean: 3.5, priorCount: 10 }),
    40 / 11,
  );
  assert.equal(
    bayesianAverage({ sum: 0, count: 0 }, { globalMean: 3.5, priorCount: 10 }),
    3.5,
  );
});

Deno.test("movieStats counts, averages and bins by half star", () => {
  // movie 1: 4 and 5; movie 2: 0.5; global mean (4 + 5 + 0.5) / 3 = 3.1666…
  const [one, two, three] = movieStats([1, 2, 3], {
    ratedMovieIds: [1, 1, 2],
    ratings: [4, 5, 0.5],
    priorCount: 2,
  });
  assert.equal(one.ratingCount, 2);
  assert.equal(one.ratingMean, 4.5);
  assert.equal(one.bayesianScore, (9 + 2 * (9.5 / 3)) / 4);
  assert.deepEqual(one.ratingHistogram, [0, 0, 0, 0, 0, 0, 0, 1, 0, 1]);
  assert.deepEqual(two.ratingHistogram, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(three.ratingCount, 0);
  assert.equal(three.ratingMean, 0);
  assert.equal(three.bayesianScore, 9.5 / 3);
});
