import assert from "node:assert/strict";
import { nextAndAnySplit } from "./task_split.ts";
import { asObjects, mixedRows, ratings } from "./split_fixture.ts";
import type { Interaction } from "../types.ts";

Deno.test("nextAndAnySplit holds out the latest ratings and a seeded fifth of the earlier", () => {
  const rows = [...ratings("a", 25), ...ratings("b", 9)];
  const like: Interaction = { ...rows[0], type: "like", value: null };
  const one = nextAndAnySplit([...rows, like], { seed: 1 });
  const [next, anyTime] = one.tasks;
  // a's latest five are movies 1-5 (movie 1 is the newest); b has fewer than 10
  assert.deepEqual(next.map((r) => r.movieId).sort((x, y) => x - y), [
    1,
    2,
    3,
    4,
    5,
  ]);
  assert.equal(anyTime.length, 4); // a fifth of a's 20 earlier ratings
  assert.ok(anyTime.every((r) => r.userId === "a" && r.movieId > 5));
  assert.equal(one.train.length, 16 + 9 + 1); // a's rest, b's 9, the like
  const held = new Set([...next, ...anyTime]);
  assert.ok(one.train.every((r) => !held.has(r)));
  const again = nextAndAnySplit([...rows].reverse(), { seed: 1 });
  assert.deepEqual(
    again.tasks[1].map((r) => r.movieId).sort(),
    anyTime.map((r) => r.movieId).sort(),
  );
  const other = nextAndAnySplit(rows, { seed: 2 });
  assert.notDeepEqual(
    other.tasks[1].map((r) => r.movieId).sort(),
    anyTime.map((r) => r.movieId).sort(),
  );
  assert.throws(
    () => nextAndAnySplit(rows, { seed: 1, anyFraction: 0 }),
    /anyFraction/,
  );
});

Deno.test("nextAndAnySplit of columns holds the same rows as of objects", () => {
  const { rows, columns } = mixedRows();
  const objects = nextAndAnySplit(rows, { seed: 3 });
  const byColumns = nextAndAnySplit(columns, { seed: 3 });
  assert.deepEqual(asObjects(byColumns.train), objects.train);
  objects.tasks.forEach((task, t) => {
    assert.ok(task.length > 0);
    assert.deepEqual(asObjects(byColumns.tasks[t]), task);
  });
});
