import assert from "node:assert/strict";
import { DEFAULT_SEARCH_WEIGHTS, popularityScore, rankSearch } from "./rank.ts";

Deno.test("popularityScore is a log share of the most rated movie's count", () => {
  assert.equal(popularityScore(329, 329), 1);
  assert.equal(popularityScore(0, 329), 0);
  assert.equal(popularityScore(5, 0), 0);
  assert.ok(popularityScore(33, 329) > 0.5);
});

Deno.test("the whole title comes first; popularity lifts equal descriptions", () => {
  const ranked = rankSearch([
    { movieId: 1, description: 1, title: 0.7, popularity: 0.2 },
    { movieId: 2, description: 0.4, title: 1, popularity: 0.8 },
    { movieId: 3, description: 0.9, title: 0, popularity: 1 },
    { movieId: 4, description: 0.9, title: 0, popularity: 0.1 },
  ], DEFAULT_SEARCH_WEIGHTS);
  assert.deepEqual(ranked.map((r) => r.movieId), [2, 1, 3, 4]);
  // no title weight, no popularity: description alone
  assert.deepEqual(
    rankSearch([
      { movieId: 1, description: 0.5, title: 1, popularity: 1 },
      { movieId: 2, description: 0.6, title: 0, popularity: 0 },
    ], { title: 0, exactTitle: 0, popularity: 0 }).map((r) => r.movieId),
    [2, 1],
  );
});
