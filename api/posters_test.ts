import assert from "node:assert/strict";
import { silentLogger } from "./logger.ts";
import { StoredPosterPaths } from "./posters.ts";
import { openSqliteStore } from "../store/mod.ts";
import { type PosterRecord, savePosterCache } from "../store/posters.ts";
import type { MetaStore, Store } from "../store/types.ts";

const found = (tmdbId: number, posterPath: string): PosterRecord => ({
  tmdbId,
  status: "found",
  posterPath,
  checkedAt: 0,
});

/** A real SQLite store, with its meta reads counted. */
async function countedStore() {
  const dir = await Deno.makeTempDir({ prefix: "posters_" });
  const store: Store = await openSqliteStore(`${dir}/movielens.db`);
  const reads = { values: 0, blobs: 0 };
  const meta: MetaStore = {
    ...store.meta,
    get: (key) => (reads.values++, store.meta.get(key)),
    getBlob: (key) => (reads.blobs++, store.meta.getBlob(key)),
  };
  return {
    store,
    meta,
    reads,
    async close() {
      await store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Paths on a clock the test moves (`clock.ms`). */
function clocked(meta: MetaStore, refreshSeconds: number) {
  const clock = { ms: 0 };
  const posters = new StoredPosterPaths(meta, {
    logger: silentLogger,
    refreshSeconds,
    now: () => clock.ms,
  });
  return { posters, clock };
}

Deno.test("poster paths: re-read only when the step wrote, looked at once per interval", async () => {
  const t = await countedStore();
  try {
    const { posters, clock } = clocked(t.meta, 60);
    assert.equal((await posters.paths()).size, 0);
    const before = posters.generation();
    await savePosterCache(t.store.meta, new Map([[1, found(862, "/a.jpg")]]));
    // within the interval: the old paths, no store read
    assert.equal((await posters.paths()).get(1), undefined);
    assert.deepEqual(t.reads, { values: 1, blobs: 1 });

    clock.ms = 60_000;
    assert.equal((await posters.paths()).get(1), "/a.jpg");
    assert.notEqual(posters.generation(), before);
    assert.deepEqual(t.reads, { values: 2, blobs: 2 });

    // unchanged token: one small read per interval, the blob is not read
    const after = posters.generation();
    clock.ms = 120_000;
    await posters.paths();
    assert.deepEqual(t.reads, { values: 3, blobs: 2 });
    assert.equal(posters.generation(), after);
  } finally {
    await t.close();
  }
});

Deno.test("poster paths: generation() alone notices a write (fast-path traffic)", async () => {
  const t = await countedStore();
  try {
    const { posters, clock } = clocked(t.meta, 1);
    await posters.paths();
    const before = posters.generation();
    await savePosterCache(t.store.meta, new Map([[1, found(862, "/b.jpg")]]));
    clock.ms = 1000;
    posters.generation(); // starts the check
    const deadline = Date.now() + 5000;
    while (posters.generation() === before && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.notEqual(posters.generation(), before);
    assert.equal((await posters.paths()).get(1), "/b.jpg");
  } finally {
    await t.close();
  }
});

Deno.test("poster paths: an unreadable cache keeps the last good paths and is retried", async () => {
  const t = await countedStore();
  try {
    const { posters, clock } = clocked(t.meta, 1);
    await savePosterCache(t.store.meta, new Map([[1, found(862, "/c.jpg")]]));
    assert.equal((await posters.paths()).get(1), "/c.jpg");
    await t.store.meta.setBlob("posters", new TextEncoder().encode("{cut"));
    await t.store.meta.set("posters.version", "broken");
    clock.ms = 1000;
    assert.equal((await posters.paths()).get(1), "/c.jpg");
    await savePosterCache(t.store.meta, new Map([[1, found(862, "/d.jpg")]]));
    clock.ms = 2000;
    assert.equal((await posters.paths()).get(1), "/d.jpg");
  } finally {
    await t.close();
  }
});
