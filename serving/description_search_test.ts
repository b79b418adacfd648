import assert from "node:assert/strict";
import type { MovieWithStats, ScoredMovie } from "../core/types.ts";
import type { DescriptionMatcher } from "./description_matcher.ts";
import { DescriptionSearch } from "./description_search.ts";
import { describeMatch } from "./search_match.ts";

const record = (
  id: number,
  title: string,
  year: number,
  genres: string[],
  tags: string[],
  ratingCount: number,
): MovieWithStats => ({
  id,
  title,
  year,
  genres,
  tags,
  imdbId: null,
  tmdbId: null,
  ratingCount,
  ratingMean: 4,
  bayesianScore: 4,
  ratingHistogram: [],
});

const records = [
  record(1, "Heat", 1995, ["Action", "Crime"], ["heist"], 100),
  record(2, "Heist", 2001, ["Crime"], [], 5),
  record(
    3,
    "Inside Man",
    2006,
    ["Crime", "Drama"],
    ["heist", "twist ending"],
    50,
  ),
  record(4, "The Obscure Copy", 2006, ["Crime"], ["heist"], 1),
];
const byId = new Map(records.map((m) => [m.id, m]));

/** A matcher whose cosines are given, to test the blend on its own. */
function fixedMatcher(scores: ScoredMovie[] | null): DescriptionMatcher {
  return {
    model: "fixed",
    nearest: (_query, k, filter) =>
      Promise.resolve(
        scores &&
          scores.filter((s) => !filter || filter(s.movieId)).slice(0, k),
      ),
  };
}

function search(matcher: DescriptionMatcher | null) {
  return new DescriptionSearch({
    catalog: new Map(records.map((m) => [m.id, m])),
    ratingCounts: new Map(records.map((m) => [m.id, m.ratingCount])),
    matcher,
    movies: (ids) => Promise.resolve(ids.map((id) => byId.get(id)!)),
  });
}

const cosines = [
  { movieId: 4, score: 0.8 },
  { movieId: 1, score: 0.78 },
  { movieId: 3, score: 0.6 },
];

Deno.test("the whole title first, then meaning lifted by popularity", async () => {
  const result = await search(fixedMatcher(cosines)).search("heist", {
    limit: 10,
  });
  assert.equal(result.matchedBy, "description");
  assert.deepEqual(result.items.map((i) => i.movie.id), [2, 1, 3, 4]);
  assert.equal(result.total, 4);
  assert.equal(result.items[0].title, 1);
  assert.equal(describeMatch(result.items[0]).text, "Title match");
  assert.equal(describeMatch(result.items[1]).text, "Tagged heist");
});

Deno.test("filters apply to meaning and titles alike; pages slice one ranking", async () => {
  const s = search(fixedMatcher(cosines));
  const recent = await s.search("heist", { limit: 10, yearFrom: 2002 });
  assert.deepEqual(recent.items.map((i) => i.movie.id).sort(), [3, 4]);
  const drama = await s.search("heist", {
    limit: 10,
    genres: ["Crime", "Drama"],
  });
  assert.deepEqual(drama.items.map((i) => i.movie.id), [3]);
  const second = await s.search("heist", { limit: 2, offset: 2 });
  assert.deepEqual(second.items.map((i) => i.movie.id), [3, 4]);
  assert.equal(second.total, 4);
});

Deno.test("without a matcher, or when it cannot embed, titles alone answer", async () => {
  for (const matcher of [null, fixedMatcher(null)]) {
    const result = await search(matcher).search("heist", { limit: 10 });
    assert.equal(result.matchedBy, "title");
    assert.deepEqual(result.items.map((i) => i.movie.id), [2]);
  }
});

Deno.test("why it matched names shared tags and genres, not a tag's words twice", async () => {
  const result = await search(fixedMatcher(cosines)).search(
    "crime drama with a twist ending",
    { limit: 10 },
  );
  const inside = result.items.find((i) => i.movie.id === 3)!;
  const match = describeMatch(inside);
  assert.deepEqual(match.tags, ["twist ending"]);
  assert.deepEqual(match.genres, ["Crime", "Drama"]);
  assert.equal(match.text, "Tagged twist ending · Crime · Drama");
});
