import assert from "node:assert/strict";
import { SparseIndex } from "./sparse_index.ts";

Deno.test("SparseIndex ranks by cosine, only shared features count, filters apply", () => {
  const index = new SparseIndex();
  index.add(1, new Map([["tag:pixar", 3], ["genre:animation", 4]]));
  index.add(2, new Map([["genre:animation", 1]]));
  index.add(3, new Map([["genre:crime", 1]]));
  index.add(4, new Map());
  assert.equal(index.size, 3);
  const found = index.search(
    new Map([["tag:pixar", 1], ["genre:animation", 1]]),
    10,
  );
  assert.deepEqual(found.map((s) => s.movieId), [1, 2]);
  assert.ok(Math.abs(found[0].score - (0.6 + 0.8) / Math.SQRT2) < 1e-12);
  assert.ok(Math.abs(found[1].score - 1 / Math.SQRT2) < 1e-12);
  assert.deepEqual(
    index.search(new Map([["genre:animation", 1]]), 10, {
      filter: (id) => id !== 2,
    })
      .map((s) => s.movieId),
    [1],
  );
  assert.deepEqual(index.search(new Map([["genre:war", 1]]), 10), []);
  assert.deepEqual(index.search(new Map(), 10), []);
});
