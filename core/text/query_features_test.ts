import assert from "node:assert/strict";
import {
  matchedFeatures,
  matchQuery,
  matchReasons,
  phraseIndex,
  queryWords,
} from "./query_features.ts";

const index = phraseIndex([
  "genre:sci-fi",
  "genre:comedy",
  "genre:children",
  "tag:comedy",
  "tag:dark comedy",
  "tag:dark",
  "tag:based on a true story",
  "tag:zombie",
  "title:space",
  "decade:1980",
]);

Deno.test("queryWords spells out synonyms, longest first", () => {
  assert.deepEqual(queryWords("Scary science fiction for KIDS"), [
    "horror",
    "sci",
    "fi",
    "children",
  ]);
});

Deno.test("matchQuery finds multi-word tags and their words, genres by any spelling", () => {
  const features = [
    ...matchedFeatures(matchQuery("a dark comedy", index)).keys(),
  ];
  assert.deepEqual(features.sort(), [
    "genre:comedy",
    "tag:comedy",
    "tag:dark",
    "tag:dark comedy",
  ]);
  assert.deepEqual(
    [...matchedFeatures(matchQuery("scifi", index)).keys()],
    ["genre:sci-fi"],
  );
  // stop words inside a tag do not stop it matching
  assert.deepEqual(
    matchQuery("based on a true story", index).map((m) => m.phrase),
    ["based true story"],
  );
});

Deno.test("matchQuery makes plurals singular and reads decades", () => {
  assert.deepEqual(
    [...matchedFeatures(matchQuery("zombies of the 80s", index)).keys()],
    ["tag:zombie", "decade:1980"],
  );
  for (const decade of ["eighties", "1980s", "1984", "80s"]) {
    assert.ok(
      matchedFeatures(matchQuery(decade, index)).has("decade:1980"),
      decade,
    );
  }
  assert.ok(matchedFeatures(matchQuery("00s", index)).has("decade:2000"));
  assert.deepEqual(matchQuery("nothing known here", index), []);
});

Deno.test("matchReasons says what one movie shares with the query, by kind", () => {
  const movie = [
    "title:fargo",
    "genre:comedy",
    "genre:crime",
    "tag:dark comedy",
    "tag:dark",
    "tag:comedy",
    "decade:1990",
  ];
  const reasons = matchReasons("funny dark comedy from the 90s", movie);
  assert.deepEqual(reasons.tag?.sort(), ["comedy", "dark", "dark comedy"]);
  assert.deepEqual(reasons.genre, ["comedy"]);
  assert.deepEqual(reasons.decade, ["1990"]);
  assert.equal(reasons.title, undefined);
  assert.deepEqual(matchReasons("80s comedy", movie), {
    genre: ["comedy"],
    tag: ["comedy"],
  });
});
