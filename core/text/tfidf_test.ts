import assert from "node:assert/strict";
import type { Movie } from "../types.ts";
import {
  fitVocabulary,
  movieFeatures,
  queryWeights,
  sparseCosine,
  tfidfVector,
  tfidfWeights,
  words,
} from "./tfidf.ts";

const movie = (
  id: number,
  title: string,
  genres: string[],
  tags: string[] = [],
  year: number | null = 1995,
): Movie => ({
  id,
  title,
  year,
  genres,
  tags,
  imdbId: null,
  tmdbId: null,
});

const corpus = [
  movie(1, "Toy Story", ["Animation", "Comedy"], ["pixar", "dark comedy"]),
  movie(2, "Heat", ["Crime"], ["heist"]),
  movie(3, "Airplane!", ["Comedy"], [], 1980),
  movie(4, "Fargo", ["Comedy", "Crime"], ["dark comedy", "snow"]),
];
const vocabulary = fitVocabulary(corpus);

Deno.test("words folds accents and case and drops stop words and single letters", () => {
  assert.deepEqual(words("Amélie & the Café: a Story"), [
    "amelie",
    "cafe",
    "story",
  ]);
});

Deno.test("movieFeatures names title words, genres, tags with their words, and the decade", () => {
  const features = movieFeatures(corpus[3]);
  assert.deepEqual([...features.keys()].sort(), [
    "decade:1990",
    "genre:comedy",
    "genre:crime",
    "tag:comedy",
    "tag:dark",
    "tag:dark comedy",
    "tag:snow",
    "title:fargo",
  ]);
});

Deno.test("a movie's hashed vector is unit length and its sparse weights rank as expected", () => {
  const vector = tfidfVector(vocabulary, movieFeatures(corpus[0]));
  assert.ok(Math.abs(Math.hypot(...vector) - 1) < 1e-6);
  const weights = tfidfWeights(vocabulary, movieFeatures(corpus[0]));
  // a tag only one movie has weighs more than a tag two movies share
  assert.ok(weights.get("tag:pixar")! > weights.get("tag:dark comedy")!);
});

Deno.test("query weights favour rare features whatever their kind", () => {
  const q = queryWeights(
    vocabulary,
    new Map([["genre:comedy", 1], ["tag:dark comedy", 1]]),
  );
  assert.ok(q.get("tag:dark comedy")! > q.get("genre:comedy")!);
});

Deno.test("sparseCosine is 0 without a shared feature and 1 for the same weights", () => {
  const a = tfidfWeights(vocabulary, movieFeatures(corpus[1]));
  const b = tfidfWeights(vocabulary, movieFeatures(corpus[2]));
  assert.equal(sparseCosine(a, b), 0);
  assert.ok(Math.abs(sparseCosine(a, a) - 1) < 1e-12);
});
