import assert from "node:assert/strict";
import { foldTitle, titleForms } from "./title_fold.ts";

Deno.test("foldTitle drops accents and case, keeps joints inside words", () => {
  assert.equal(foldTitle("Amélie"), "amelie");
  assert.equal(foldTitle("WALL·E"), "wall-e");
  assert.equal(foldTitle("Ocean's Eleven"), "ocean-s eleven");
  assert.equal(
    foldTitle("Spider-Man: Far From Home"),
    "spider-man far from home",
  );
  assert.equal(foldTitle("L.A. Confidential"), "l-a confidential");
  assert.equal(foldTitle("Tom & Jerry"), "tom and jerry");
  assert.equal(foldTitle("-- a - b --"), "a b");
  assert.equal(foldTitle("Auberge espagnole, L'"), "auberge espagnole l");
});

Deno.test("titleForms undoes library-style articles in every language", () => {
  assert.deepEqual(titleForms("Matrix, The"), ["matrix", "the matrix"]);
  assert.deepEqual(titleForms("Misérables, Les"), [
    "miserables",
    "les miserables",
  ]);
  assert.deepEqual(
    titleForms("City of Lost Children, The (Cité des enfants perdus, La)"),
    [
      "city of lost children",
      "the city of lost children",
      "cite des enfants perdus",
      "la cite des enfants perdus",
    ],
  );
  assert.deepEqual(titleForms("Auberge espagnole, L'"), [
    "auberge espagnole",
    "l auberge espagnole",
  ]);
  // A title that merely ends with a comma and a word keeps it.
  assert.deepEqual(titleForms("Crouching Tiger, Hidden Dragon"), [
    "crouching tiger hidden dragon",
  ]);
});
