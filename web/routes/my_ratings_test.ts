import assert from "node:assert/strict";
import { arrangeRows, type MovieRow, ratingRows } from "./my_ratings.tsx";
import type { MyInteraction } from "../my_movies.ts";
import { type Did, interactionWith } from "../my_interaction_fixture.ts";

/** An interaction with the movie `[id, title]` (of 2000). */
const did = ([id, title]: [number, string], ...what: Did) =>
  interactionWith({ id, title, year: 2000 }, what);
const matrix: [number, string] = [3, "Matrix, The"];
// Newest first, as the API lists them.
const items: MyInteraction[] = [
  did(matrix, "like", 50),
  did([1, "Amélie"], "rating", 40, 2),
  did([2, "Heat"], "rating", 30, 5),
  did([4, "Alien"], "view", 20),
  did(matrix, "rating", 10, 4),
  did([5, "Cats"], "dislike", 5),
  did([6, "Heat"], "watchlist", 4),
  did([7, "Ghost"], "hide", 3),
];
const ids = (rows: MovieRow[]) => rows.map((r) => r.movie.id);

Deno.test("ratingRows folds interactions into one row per movie, views and the watchlist left out", () => {
  const rows = ratingRows(items);
  assert.deepEqual(ids(rows), [3, 1, 2, 5, 7]);
  assert.deepEqual(rows[0], {
    movie: { id: 3, title: "Matrix, The", year: 2000, posterPath: null },
    rating: 4,
    reaction: "like",
    hidden: false,
    timestamp: 50,
  });
  assert.equal(rows[4].hidden, true);
});

Deno.test("arrangeRows sorts by rating or title and filters by kind", () => {
  const rows = ratingRows(items);
  const order = (sort: "recent" | "high" | "low" | "title", show = "all") =>
    ids(arrangeRows(rows, { sort, show: show as "all" }));
  assert.deepEqual(order("recent"), [3, 1, 2, 5, 7]);
  // Unrated rows come last whichever way ratings are sorted.
  assert.deepEqual(order("high"), [2, 3, 1, 5, 7]);
  assert.deepEqual(order("low"), [1, 3, 2, 5, 7]);
  // A–Z folds accents: Amélie before Cats.
  assert.deepEqual(order("title"), [1, 5, 7, 2, 3]);
  assert.deepEqual(order("recent", "rated"), [3, 1, 2]);
  assert.deepEqual(order("recent", "liked"), [3]);
  assert.deepEqual(order("recent", "disliked"), [5]);
  assert.deepEqual(order("recent", "hidden"), [7]);
});
