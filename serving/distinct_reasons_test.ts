import assert from "node:assert/strict";
import { distinctReasons } from "./distinct_reasons.ts";
import type { Explanation } from "../core/recommender.ts";

const rated = (...because: number[]): Explanation => ({
  kind: "rated",
  because,
});

Deno.test("distinctReasons names at most two movies, the ones that set a card apart", () => {
  // Movie 1 is behind every card; 2, 3 and 4 each behind one.
  const out = distinctReasons([
    rated(1, 2, 5),
    rated(1, 3, 5),
    rated(1, 4, 6),
    rated(1),
  ]);
  assert.deepEqual(out.map((e) => e.because), [[1, 2], [1, 3], [1, 4], [1]]);
  // When the shared movie is everywhere, a rarer one on the card wins over it.
  const many = distinctReasons([
    rated(1, 2, 3),
    rated(1, 3, 4),
    rated(1, 4, 2),
    rated(1, 5, 2),
    rated(1, 6, 3),
  ]);
  const firsts = new Set(many.map((e) => e.because.join(",")));
  assert.equal(firsts.size, 5, "no two cards say the same");
  assert.ok(many.every((e) => e.because.length <= 2));
  assert.deepEqual(many[4].because, [1, 6]);
});

Deno.test("distinctReasons keeps the card's order and fixes the verb", () => {
  const out = distinctReasons(
    [
      { kind: "liked", because: [7, 8] },
      { kind: "liked", because: [7, 9] },
      { kind: "liked", because: [7, 10] },
      { kind: "liked", because: [7, 11, 12] },
    ],
    { likedOnly: new Set([7]) },
  );
  assert.deepEqual(out[0], { kind: "liked", because: [7, 8] });
  const popular: Explanation = { kind: "popular", because: [] };
  assert.deepEqual(distinctReasons([popular]), [popular]);
  // A card whose first movie is dropped says "rated" for a rated one.
  const swapped = distinctReasons(
    [
      { kind: "liked", because: [7, 8, 9] },
      ...Array.from({ length: 19 }, () => ({
        kind: "liked" as const,
        because: [7],
      })),
    ],
    { likedOnly: new Set([7]) },
  );
  assert.deepEqual(swapped[0], { kind: "rated", because: [8, 9] });
});
