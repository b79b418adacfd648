import assert from "node:assert/strict";
import { movieStates, type MyInteraction } from "./my_movies.ts";

Deno.test("movieStates keeps the newest rating and reaction of each movie", () => {
  const movie = { id: 1, title: "Heat", year: 1995 };
  const items: MyInteraction[] = [
    {
      userId: "u",
      movieId: 1,
      type: "dislike",
      value: null,
      timestamp: 3,
      movie,
    },
    {
      userId: "u",
      movieId: 1,
      type: "rating",
      value: 3.5,
      timestamp: 2,
      movie,
    },
    { userId: "u", movieId: 1, type: "like", value: null, timestamp: 1, movie },
    {
      userId: "u",
      movieId: 2,
      type: "view",
      value: null,
      timestamp: 1,
      movie: { ...movie, id: 2 },
    },
  ];
  const states = movieStates(items);
  assert.deepEqual(states.get(1), { rating: 3.5, reaction: "dislike" });
  assert.deepEqual(states.get(2), { rating: null, reaction: null });
  assert.equal(states.get(3), undefined);
});
