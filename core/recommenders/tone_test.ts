import assert from "node:assert/strict";
import { genreTone, textTones } from "./tone.ts";
import type { EmbeddingMatrix } from "../types.ts";

Deno.test("genreTone reads genres from dark to light", () => {
  assert.equal(genreTone(["Comedy", "Romance"]), 1);
  assert.equal(genreTone(["Horror"]), -1);
  assert.equal(genreTone(["Crime", "Comedy"]), 0);
  assert.equal(genreTone(["Drama"]), 0);
  assert.equal(genreTone(["Crime", "Drama"]), -1);
});

Deno.test("textTones learns light minus dark from the genres and reads every movie on it", () => {
  // dimension 0 carries "funny" words, 1 "grim" ones, 2 neither
  const rows: [number, string[], number[]][] = [
    [1, ["Comedy"], [1, 0, 0.5]],
    [2, ["Animation"], [0.9, 0.1, 0]],
    [3, ["Horror"], [0, 1, 0.5]],
    [4, ["Thriller"], [0.1, 0.9, 0]],
    // dramas, whose genres say nothing: one reads light, one grim
    [5, ["Drama"], [0.8, 0.2, 0]],
    [6, ["Drama"], [0.2, 0.8, 0]],
  ];
  const matrix: EmbeddingMatrix = {
    ids: Int32Array.from(rows.map((r) => r[0])),
    dim: 3,
    vectors: Float32Array.from(rows.flatMap((r) => r[2])),
  };
  const genres = new Map(rows.map((r) => [r[0], r[1]]));
  const tones = textTones(matrix, (id) => genres.get(id));
  assert.equal(tones.size, 6);
  assert.ok(tones.get(5)! > 0 && tones.get(6)! < 0);
  assert.ok(tones.get(1)! > tones.get(5)! && tones.get(3)! < tones.get(6)!);
  // standardised: mean 0, standard deviation 1
  const values = [...tones.values()];
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(
    values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length,
  );
  assert.ok(Math.abs(mean) < 1e-9 && Math.abs(sd - 1) < 1e-9);
  // no dark movie to learn from: no text tones
  assert.equal(textTones(matrix, () => ["Comedy"]).size, 0);
});
