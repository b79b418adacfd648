import assert from "node:assert/strict";
import { safeNext } from "./define.ts";
import { parseRateForm } from "./routes/rate.ts";

Deno.test("safeNext keeps same-site paths only", () => {
  assert.equal(safeNext("/movies/1"), "/movies/1");
  assert.equal(safeNext("https://evil.example/"), "/");
  assert.equal(safeNext("//evil.example/"), "/");
  assert.equal(safeNext("/\\evil.example"), "/");
  assert.equal(safeNext(undefined, "/for-you"), "/for-you");
  // Browsers drop tabs and newlines and read "\\" as "/": all of these would
  // land on //evil.example.
  for (
    const escape of [
      "/\t/evil.example/x",
      "/\n/evil.example",
      "/\r\n/evil.example",
      "/\t\\evil.example",
      "/x/../..//evil.example",
      "/.//evil.example",
    ]
  ) assert.equal(safeNext(escape), "/", JSON.stringify(escape));
  assert.equal(safeNext("/movies?q=toy#top"), "/movies?q=toy#top");
  assert.equal(safeNext("/a/../movies"), "/movies");
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
