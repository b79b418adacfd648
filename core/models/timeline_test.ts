import assert from "node:assert/strict";
import { RatingTimeline } from "./timeline.ts";
import type { Interaction } from "../types.ts";

const day = 86_400_000;
const at = (movieId: number, days: number): Interaction => ({
  userId: "u",
  movieId,
  type: "rating",
  value: 4,
  timestamp: days * day,
});

Deno.test("timeline counts ratings in a window and up to a time", () => {
  const timeline = RatingTimeline.fromInteractions([
    at(1, 10),
    at(1, 20),
    at(1, 30),
    at(2, 5),
    { ...at(3, 1), type: "like", value: null }, // not a rating
  ]);
  assert.equal(timeline.countBefore(1, 30 * day, 15), 2); // days 20 and 30
  assert.equal(timeline.countUntil(1, 19 * day), 1);
  assert.equal(timeline.countUntil(2, 4 * day), 0);
  assert.equal(timeline.countUntil(3, 100 * day), 0);
  assert.equal(timeline.latestMs, 30 * day);
  const loaded = RatingTimeline.fromBytes(timeline.toBytes());
  assert.equal(loaded.countBefore(1, 30 * day, 15), 2);
  assert.throws(() => RatingTimeline.fromBytes(new Uint8Array(8)), /"TML1"/);
});
