import assert from "node:assert/strict";
import { safeNext } from "./define.ts";
import { parseRateForm } from "./routes/rate.ts";

Deno.test("safeNext keeps same-site paths only", () => {
  assert.equal(safeNext("/movies/1"), "/movies/1");
  assert.equal(safeNext("https://evil.example/"), "/");
  assert.equal(safeNext("//evil.example/"), "/");
  assert.equal(safeNext("/\\evil.example"), "/");
  assert.equal(safeNext(undefined, "/for-you"), "/for-you");
});

Deno.test("parseRateForm checks the movie, action and half-star value", () => {
  assert.deepEqual(parseRateForm({ movieId: "1", value: "4.5" }), {
    movieId: 1,
    action: "rate",
    value: 4.5,
  });
  assert.match(
    parseRateForm({ movieId: "1", value: "4.2" }) as string,
    /Cannot accept rating "4.2": expected 0.5 to 5 in steps of 0.5/,
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
});
