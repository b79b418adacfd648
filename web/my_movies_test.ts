import assert from "node:assert/strict";
import { movieStates } from "./my_movies.ts";
import { type Did, interactionWith } from "./my_interaction_fixture.ts";

/** An interaction with movie `id` (every one titled Heat, 1995). */
const did = (id: number, ...what: Did) =>
  interactionWith({ id, title: "Heat", year: 1995 }, what);

Deno.test("movieStates keeps the newest rating and reaction of each movie", () => {
  const states = movieStates([
    did(1, "dislike", 3),
    did(1, "rating", 2, 3.5),
    did(1, "like", 1),
    did(2, "view", 1),
    did(3, "watchlist", 1),
    did(4, "hide", 1),
  ]);
  const none = {
    rating: null,
    reaction: null,
    watchlist: false,
    hidden: false,
  };
  assert.deepEqual(states.get(1), {
    ...none,
    rating: 3.5,
    reaction: "dislike",
  });
  assert.deepEqual(states.get(2), none);
  assert.deepEqual(states.get(3), { ...none, watchlist: true });
  assert.deepEqual(states.get(4), { ...none, hidden: true });
  assert.equal(states.get(5), undefined);
});
