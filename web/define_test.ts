import assert from "node:assert/strict";
import { safeNext } from "./define.ts";

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
