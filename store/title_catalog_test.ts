import assert from "node:assert/strict";
import { TitleCatalog } from "./title_catalog.ts";

Deno.test("TitleCatalog builds once, refreshes when old, rebuilds after invalidate", async () => {
  let clock = 0;
  let loads = 0;
  let titles = [{ id: 1, title: "Heat", year: 1995 }];
  const catalog = new TitleCatalog(
    () => {
      loads++;
      return Promise.resolve(titles);
    },
    { maxAgeMs: 1000, now: () => clock },
  );
  assert.deepEqual((await catalog.search("heat")).matches.map((m) => m.id), [
    1,
  ]);
  await catalog.search("heat");
  assert.equal(loads, 1);
  // Another process adds a movie: seen once the index is old, in the background.
  titles = [...titles, { id: 2, title: "Heat Wave", year: 2000 }];
  clock = 2000;
  assert.equal((await catalog.search("heat")).matches.length, 1);
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(loads, 2);
  assert.equal((await catalog.search("heat")).matches.length, 2);
  // The store's own write: the very next search sees it.
  titles = [...titles, { id: 3, title: "Heat of the Night", year: 2001 }];
  catalog.invalidate();
  assert.equal((await catalog.search("heat")).matches.length, 3);
  assert.equal(loads, 3);
});

Deno.test("TitleCatalog retries a failed build on the next search", async () => {
  let fail = true;
  const catalog = new TitleCatalog(() =>
    fail
      ? Promise.reject(new Error("store down"))
      : Promise.resolve([{ id: 1, title: "Heat", year: 1995 }])
  );
  await assert.rejects(catalog.search("heat"), /store down/);
  fail = false;
  assert.equal((await catalog.search("heat")).matches.length, 1);
});
