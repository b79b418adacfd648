import assert from "node:assert/strict";
import { type SteerFacts, steerSimilar, tone } from "./steer.ts";

const FACTS: Record<number, SteerFacts> = {
  // The source: a 1995 crime drama with 100 ratings.
  1: { year: 1995, genres: ["Crime", "Drama"], ratingCount: 100 },
  2: { year: 1990, genres: ["Crime", "Thriller"], ratingCount: 300 },
  3: { year: 2005, genres: ["Crime", "Comedy"], ratingCount: 20 },
  4: { year: 2010, genres: ["Horror"], ratingCount: 150 },
  5: { year: null, genres: ["Comedy"], ratingCount: 5 },
  6: { year: 1999, genres: ["Drama"], ratingCount: 1000 },
};
const NEIGHBOURS = [2, 3, 4, 5, 6, 99].map((movieId, i) => ({
  movieId,
  score: 1 - i * 0.05,
}));
const steer = (options: Partial<Parameters<typeof steerSimilar>[3]>) =>
  steerSimilar(FACTS[1], NEIGHBOURS, (id) => FACTS[id], {
    limit: 10,
    maxRatingCount: 1000,
    ...options,
  }).map((m) => m.movieId);

Deno.test("tone reads genres from dark to light", () => {
  assert.equal(tone(["Comedy", "Romance"]), 1);
  assert.equal(tone(["Horror"]), -1);
  assert.equal(tone(["Crime", "Comedy"]), 0);
  assert.equal(tone(["Drama"]), 0);
  assert.equal(tone(["Crime", "Drama"]), -1);
});

Deno.test("newer and older keep dated movies on the asked side, nearest first", () => {
  assert.deepEqual(steer({ steer: "newer" }), [3, 4, 6]);
  assert.deepEqual(steer({ steer: "older" }), [2]);
  const undated = steerSimilar(
    { ...FACTS[1], year: null },
    NEIGHBOURS,
    (id) => FACTS[id],
    { steer: "newer", limit: 10, maxRatingCount: 1000 },
  );
  assert.deepEqual(undated, []);
});

Deno.test("lighter and darker compare tone with the source's", () => {
  // The source is all dark (-1): everything but the all-dark is lighter.
  assert.deepEqual(steer({ steer: "lighter" }), [3, 5, 6]);
  assert.deepEqual(steer({ steer: "darker" }), []);
  const comedy = steerSimilar(FACTS[5], NEIGHBOURS, (id) => FACTS[id], {
    steer: "darker",
    limit: 10,
    maxRatingCount: 1000,
  });
  assert.deepEqual(comedy.map((m) => m.movieId), [2, 3, 4, 6]);
});

Deno.test("popular keeps more-rated movies and lifts the most rated", () => {
  // 6 is fifth by similarity but has ten times the source's ratings.
  assert.deepEqual(steer({ steer: "popular" }), [2, 6, 4]);
});

Deno.test("a genre narrows with or without a steer; unknown movies and the limit", () => {
  assert.deepEqual(steer({ genre: "Comedy" }), [3, 5]);
  assert.deepEqual(steer({ genre: "Comedy", steer: "newer" }), [3]);
  assert.deepEqual(steer({}), [2, 3, 4, 5, 6]);
  assert.deepEqual(steer({ limit: 2 }), [2, 3]);
});
