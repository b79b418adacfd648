import assert from "node:assert/strict";
import { parseRateForm } from "./rate.ts";

Deno.test("parseRateForm checks the movie, action and half-star value", () => {
  assert.deepEqual(
    parseRateForm({ movieId: "1", value: "4.5", title: "Toy Story" }),
    { movieId: 1, action: "rate", value: 4.5, title: "Toy Story" },
  );
  assert.match(
    parseRateForm({ movieId: "1", value: "4.2" }) as string,
    /Cannot accept rating "4.2": expected 0.5 to 5 in steps of 0.5/,
  );
  assert.equal(
    parseRateForm({ movieId: "1", action: "rate" }),
    "Pick a number of stars before saving.",
  );
  assert.match(
    parseRateForm({ movieId: "x" }) as string,
    /Expected a movie id/,
  );
  assert.match(
    parseRateForm({ movieId: "1", action: "delete" }) as string,
    /Expected an action/,
  );
  assert.equal(
    (parseRateForm({ movieId: "2", action: "like" }) as { action: string })
      .action,
    "like",
  );
  const long = parseRateForm({
    movieId: "2",
    action: "remove",
    title: "x".repeat(500),
  });
  assert.equal((long as { title: string }).title.length, 200);
});
