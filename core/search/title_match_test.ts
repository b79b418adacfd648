import assert from "node:assert/strict";
import { TitleIndex, titleTokens } from "./title_match.ts";

const titles = new TitleIndex([
  [1, "Toy Story"],
  [3114, "Toy Story 2"],
  [858, "Godfather, The"],
  [1221, "Godfather: Part II, The"],
  [1240, "Terminator, The"],
  [4973, "Amelie (Fabuleux destin d'Amélie Poulain, Le)"],
  [68954, "Up"],
  [72011, "Up in the Air"],
]);

Deno.test("titleTokens keeps digits and drops articles", () => {
  assert.deepEqual(titleTokens("Godfather: Part II, The"), [
    "godfather",
    "part",
    "ii",
  ]);
  assert.deepEqual(titleTokens("Toy Story 2"), ["toy", "story", "2"]);
});

Deno.test("the whole title scores 1, in any order and with articles aside", () => {
  assert.equal(titles.match("the godfather").get(858), 1);
  assert.equal(titles.match("Toy Story").get(1), 1);
  assert.equal(titles.match("up").get(68954), 1);
});

Deno.test("a title holding every query word scores less, more for a larger share", () => {
  const toy = titles.match("toy story");
  assert.ok(toy.get(3114)! < 1 && toy.get(3114)! > 0.5);
  const up = titles.match("up");
  assert.ok(up.get(72011)! < up.get(68954)!);
  assert.equal(titles.match("godfather part").get(858), undefined);
  assert.ok(titles.match("godfather part").get(1221)! > 0);
});

Deno.test("an unfinished last word completes; accents and case do not matter", () => {
  const scores = titles.match("termin");
  assert.ok(scores.get(1240)! > 0 && scores.get(1240)! < 1);
  assert.ok(titles.match("AMÉLIE").get(4973)! > 0);
  // one letter is too little to complete
  assert.equal(titles.match("t").size, 0);
  assert.equal(titles.match("the").size, 0);
});
