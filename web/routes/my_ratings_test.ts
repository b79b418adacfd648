import assert from "node:assert/strict";
import { arrangeRows, type MovieRow, ratingRows } from "./my_ratings.tsx";
import type { MyInteraction } from "../my_movies.ts";

const movie = (id: number, title: string) => ({ id, title, year: 2000 });
// Newest first, as the API lists them.
const items: MyInteraction[] = [
  {
    userId: "u",
    movieId: 3,
    type: "like",
    value: null,
    timestamp: 50,
    movie: movie(3, "Matrix, The"),
  },
  {
    userId: "u",
    movieId: 1,
    type: "rating",
    value: 2,
    timestamp: 40,
    movie: movie(1, "Amélie"),
  },
  {
    userId: "u",
    movieId: 2,
    type: "rating",
    value: 5,
    timestamp: 30,
    movie: movie(2, "Heat"),
  },
  {
    userId: "u",
    movieId: 4,
    type: "view",
    value: null,
    timestamp: 20,
    movie: movie(4, "Alien"),
  },
  {
    userId: "u",
    movieId: 3,
    type: "rating",
    value: 4,
    timestamp: 10,
    movie: movie(3, "Matrix, The"),
  },
  {
    userId: "u",
    movieId: 5,
    type: "dislike",
    value: null,
    timestamp: 5,
    movie: movie(5, "Cats"),
  },
];
const ids = (rows: MovieRow[]) => rows.map((r) => r.movie.id);

Deno.test("ratingRows folds interactions into one row per movie, views left out", () => {
  const rows = ratingRows(items);
  assert.deepEqual(ids(rows), [3, 1, 2, 5]);
  assert.deepEqual(
    rows[0],
    {
      movie: movie(3, "Matrix, The"),
      rating: 4,
      reaction: "like",
      timestamp: 50,
    },
  );
});

Deno.test("arrangeRows sorts by rating or title and filters by kind", () => {
  const rows = ratingRows(items);
  assert.deepEqual(ids(arrangeRows(rows, { sort: "recent", show: "all" })), [
    3,
    1,
    2,
    5,
  ]);
  // Unrated rows come last whichever way ratings are sorted.
  assert.deepEqual(ids(arrangeRows(rows, { sort: "high", show: "all" })), [
    2,
    3,
    1,
    5,
  ]);
  assert.deepEqual(ids(arrangeRows(rows, { sort: "low", show: "all" })), [
    1,
    3,
    2,
    5,
  ]);
  // A–Z folds accents: Amélie before Cats.
  assert.deepEqual(ids(arrangeRows(rows, { sort: "title", show: "all" })), [
    1,
    5,
    2,
    3,
  ]);
  assert.deepEqual(ids(arrangeRows(rows, { sort: "recent", show: "rated" })), [
    3,
    1,
    2,
  ]);
  assert.deepEqual(ids(arrangeRows(rows, { sort: "recent", show: "liked" })), [
    3,
  ]);
  assert.deepEqual(
    ids(arrangeRows(rows, { sort: "recent", show: "disliked" })),
    [5],
  );
});
