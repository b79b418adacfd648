import assert from "node:assert/strict";
import {
  TitleIndex,
  titleMatchStrength,
  type TitleRow,
} from "./title_search.ts";

const ROWS: TitleRow[] = [
  { id: 1, title: "Matrix, The", year: 1999, weight: 278 },
  { id: 2, title: "Matrix Reloaded, The", year: 2003, weight: 96 },
  { id: 3, title: "Dark Knight, The", year: 2008, weight: 149 },
  {
    id: 4,
    title: "Batman: The Dark Knight Returns, Part 1",
    year: 2012,
    weight: 4,
  },
  { id: 5, title: "Dark Knight Rises, The", year: 2012, weight: 76 },
  { id: 6, title: "Godfather, The", year: 1972, weight: 192 },
  { id: 7, title: "Godfather: Part II, The", year: 1974, weight: 129 },
  { id: 8, title: "The Godfather Trilogy: 1972-1990", year: 1992, weight: 1 },
  { id: 9, title: "Spider-Man", year: 2002, weight: 122 },
  { id: 10, title: "Amazing Spider-Man, The", year: 2012, weight: 30 },
  {
    id: 11,
    title: "Star Wars: Episode V - The Empire Strikes Back",
    year: 1980,
    weight: 211,
  },
  { id: 12, title: "Empire Records", year: 1995, weight: 8 },
  { id: 13, title: "Misérables, Les", year: 2012, weight: 14 },
  { id: 14, title: "Die Hard", year: 1988, weight: 145 },
  { id: 15, title: "Hard Eight", year: 1996, weight: 5 },
  { id: 16, title: "O Brother, Where Art Thou?", year: 2000, weight: 119 },
  { id: 17, title: "Brother", year: 1997, weight: 2 },
  { id: 18, title: "WALL·E", year: 2008, weight: 145 },
  { id: 19, title: "Ocean's Eleven", year: 2001, weight: 119 },
  { id: 20, title: "Schindler's List", year: 1993, weight: 220 },
  { id: 21, title: "Spiderman", year: 1990, weight: 1 },
  { id: 22, title: "Auberge espagnole, L'", year: 2002, weight: 20 },
];

const ids = (index: TitleIndex, query: string) =>
  index.search(query).matches.map((m) => m.id);

Deno.test("leading articles in the query find library-style titles first", () => {
  const index = new TitleIndex(ROWS);
  assert.deepEqual(ids(index, "the matrix"), [1, 2]);
  assert.deepEqual(ids(index, "matrix"), [1, 2]);
  assert.deepEqual(ids(index, "the dark knight"), [3, 5, 4]);
  assert.deepEqual(ids(index, "the godfather").slice(0, 2), [6, 7]);
  assert.equal(ids(index, "les miserables")[0], 13);
  assert.equal(ids(index, "l'auberge espagnole")[0], 22);
  // "Die" and "O" are articles elsewhere, but here the title starts with them.
  assert.equal(ids(index, "die hard")[0], 14);
  assert.equal(ids(index, "o brother")[0], 16);
});

Deno.test("words match in any order, as words or their start", () => {
  const index = new TitleIndex(ROWS);
  assert.deepEqual(ids(index, "star wars empire"), [11]);
  assert.deepEqual(ids(index, "empire wars"), [11]);
  assert.deepEqual(ids(index, "godf"), [6, 7, 8]);
  assert.deepEqual(ids(index, "knight dark batman"), [4]);
  // Not inside a word: "atrix" is no word's start (but one edit from one).
  assert.equal(index.search("atrix").correctedQuery, "matrix");
  // A four-digit word may be the year.
  assert.deepEqual(ids(index, "matrix 1999"), [1]);
});

Deno.test("punctuation and hyphens fold away", () => {
  const index = new TitleIndex(ROWS);
  assert.equal(ids(index, "spiderman")[0], 9);
  assert.equal(ids(index, "spider-man")[0], 9);
  assert.equal(ids(index, "spider man")[0], 9);
  assert.ok(ids(index, "spider man").includes(21), "and the one-word title");
  assert.deepEqual(ids(index, "walle"), [18]);
  assert.deepEqual(ids(index, "wall-e"), [18]);
  assert.deepEqual(ids(index, "oceans eleven"), [19]);
  assert.deepEqual(ids(index, "ocean's eleven"), [19]);
  assert.deepEqual(ids(index, "schindlers list"), [20]);
  assert.deepEqual(ids(index, "SCHINDLER'S LIST!"), [20]);
  assert.deepEqual(ids(index, "  "), []);
});

Deno.test("a typo finds the movie and says what it searched for", () => {
  const index = new TitleIndex(ROWS);
  assert.deepEqual(index.search("matrx"), {
    matches: index.search("matrix").matches,
    correctedQuery: "matrix",
  });
  assert.equal(index.search("the godfater").correctedQuery, "the godfather");
  assert.equal(index.search("the godfater").matches[0].id, 6);
  assert.equal(index.search("schindlr").matches[0].id, 20);
  // Two edits for long words, none for short ones.
  assert.equal(index.search("godfathre").correctedQuery, "godfather");
  assert.deepEqual(index.search("mtx"), { matches: [], correctedQuery: null });
  // No correction when nothing is close.
  assert.deepEqual(index.search("zzzzqqq"), {
    matches: [],
    correctedQuery: null,
  });
});

Deno.test("ties go to the movie more people rated", () => {
  const index = new TitleIndex([
    { id: 1, title: "Hamlet", year: 1990, weight: 3 },
    { id: 2, title: "Hamlet", year: 1996, weight: 30 },
    { id: 3, title: "Hamlet", year: 2000, weight: 30 },
  ]);
  assert.deepEqual(ids(index, "hamlet"), [2, 3, 1]);
});

Deno.test("match strength: 1 for the whole title, 0.5 to 0.9 below, better matches higher", () => {
  const index = new TitleIndex(ROWS);
  const strength = (query: string, id: number) =>
    titleMatchStrength(
      index.search(query).matches.find((m) => m.id === id)!.score,
    );
  assert.equal(strength("the matrix", 1), 1);
  assert.equal(strength("matrix", 1), 1);
  const start = strength("matrix", 2);
  const scattered = strength("reloaded", 2);
  assert.ok(start > scattered && scattered >= 0.5 && start <= 0.9);
});
