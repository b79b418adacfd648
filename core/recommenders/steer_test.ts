import assert from "node:assert/strict";
import { type SteerFacts, steerSimilar, TEXT_TONE_MARGIN } from "./steer.ts";

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

Deno.test("lighter and darker fall back on the text's tone among movies whose genres read the same", () => {
  // A comedy source (genre tone 1): no candidate is lighter by genres.
  const source: SteerFacts = {
    year: 2000,
    genres: ["Comedy"],
    ratingCount: 50,
    textTone: 0,
  };
  const facts: Record<number, SteerFacts> = {
    // same genres' tone, the text reads lighter / barely / darker
    10: { ...source, genres: ["Comedy", "Romance"], textTone: 1.2 },
    11: { ...source, textTone: TEXT_TONE_MARGIN / 2 },
    12: { ...source, textTone: -0.8 },
    // darker by genres, whatever its text says
    13: { ...source, genres: ["Comedy", "Crime"], textTone: 2 },
    // no text tone (vectors not in memory): genres only
    14: { ...source, textTone: undefined },
  };
  const candidates = [14, 13, 12, 11, 10].map((movieId, i) => ({
    movieId,
    score: 1 - i * 0.1,
  }));
  const steered = (steer: "lighter" | "darker") =>
    steerSimilar(source, candidates, (id) => facts[id], {
      steer,
      limit: 10,
      maxRatingCount: 100,
    }).map((m) => m.movieId);
  assert.deepEqual(steered("lighter"), [10]);
  // the genres' verdict first, then the text's, each by similarity
  assert.deepEqual(steered("darker"), [13, 12]);
  const withoutText = steerSimilar(
    { ...source, textTone: undefined },
    candidates,
    (id) => facts[id],
    { steer: "darker", limit: 10, maxRatingCount: 100 },
  );
  assert.deepEqual(withoutText.map((m) => m.movieId), [13]);
});
