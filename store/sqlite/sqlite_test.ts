import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { storeContractTests, withCloseHook } from "../contract_test_suite.ts";
import { simdAvailable } from "../../core/vectors/score_kernel.ts";
import { openSqliteStore } from "./mod.ts";
import type { Store } from "../types.ts";

async function openTemp(): Promise<{ store: Store; path: string }> {
  const dir = await Deno.makeTempDir({ prefix: "store_sqlite_" });
  const path = `${dir}/movielens.db`;
  const store = withCloseHook(
    await openSqliteStore(path),
    () => Deno.remove(dir, { recursive: true }),
  );
  return { store, path };
}

storeContractTests("sqlite", async () => (await openTemp()).store);

Deno.test("sqlite: data survives close and reopen; the file is in WAL mode", async () => {
  const dir = await Deno.makeTempDir({ prefix: "store_sqlite_" });
  const path = `${dir}/movielens.db`;
  try {
    const first = await openSqliteStore(path);
    await first.movies.upsert([{
      id: 1,
      title: "Amélie",
      year: 2001,
      genres: ["Comedy", "Romance"],
      tags: [],
      imdbId: null,
      tmdbId: null,
    }]);
    await first.meta.set("k", "v");
    await first.close();
    await first.close(); // closing twice is harmless

    const second = await openSqliteStore(path);
    assert.equal((await second.movies.get(1))?.title, "Amélie");
    assert.equal(await second.meta.get("k"), "v");
    await second.close();
    await assert.rejects(second.movies.count(), /closed/);

    const raw = new DatabaseSync(path);
    const mode = raw.prepare("PRAGMA journal_mode").get() as {
      journal_mode: string;
    };
    raw.close();
    assert.equal(mode.journal_mode, "wal");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sqlite: a nested transaction that throws rolls back alone", async () => {
  const { store } = await openTemp();
  try {
    await store.transaction(async () => {
      await store.meta.set("outer", "kept");
      await assert.rejects(
        store.transaction(async () => {
          await store.meta.set("inner", "dropped");
          throw new Error("inner failed");
        }),
        /inner failed/,
      );
      // Sibling nested transactions started together run one after another.
      await Promise.all([1, 2, 3].map((n) =>
        store.transaction(async () => {
          await store.meta.set(`sibling${n}`, "kept");
        })
      ));
    });
    assert.equal(await store.meta.get("outer"), "kept");
    assert.equal(await store.meta.get("inner"), null);
    assert.equal(await store.meta.get("sibling3"), "kept");
  } finally {
    await store.close();
  }
});

Deno.test("sqlite: a second connection reads while the first writes", async () => {
  const { store, path } = await openTemp();
  try {
    await store.interactions.upsert([
      { userId: "u", movieId: 1, type: "view", value: null, timestamp: 1 },
    ]);
    const reader = await openSqliteStore(path);
    try {
      await store.transaction(async () => {
        await store.interactions.upsert([
          { userId: "u", movieId: 2, type: "view", value: null, timestamp: 2 },
        ]);
        // WAL: the reader is not blocked and sees the last commit only.
        assert.equal(await reader.interactions.count(), 1);
      });
      assert.equal(await reader.interactions.count(), 2);
    } finally {
      await reader.close();
    }
  } finally {
    await store.close();
  }
});

Deno.test("sqlite: load refuses rows of mixed dimensions", async () => {
  const { store } = await openTemp();
  try {
    await store.embeddings.put("m", [
      { movieId: 1, textHash: "a", vector: new Float32Array(3) },
      { movieId: 2, textHash: "b", vector: new Float32Array(4) },
    ]);
    await assert.rejects(
      store.embeddings.load("m"),
      /movie 2 in model "m" has 4 dimensions, expected 3/,
    );
  } finally {
    await store.close();
  }
});

Deno.test("sqlite: a user's history version changes with every write to it, from any connection", async () => {
  const { store, path } = await openTemp();
  const view = (userId: string, movieId: number) => ({
    userId,
    movieId,
    type: "view" as const,
    value: null,
    timestamp: movieId,
  });
  try {
    const version = (userId: string) =>
      store.interactions.historyVersion!(userId);
    const empty = await version("u");
    assert.equal(await version("u"), empty, "reads leave it alone");
    await store.interactions.upsert([view("u", 1)]);
    const afterUpsert = await version("u");
    assert.notEqual(afterUpsert, empty);
    const other = await version("v");
    await store.interactions.upsert([view("v", 1)]);
    assert.equal(await version("u"), afterUpsert, "another user's write");
    assert.notEqual(await version("v"), other);
    await store.interactions.remove("u", 1);
    const afterRemove = await version("u");
    assert.notEqual(afterRemove, afterUpsert);
    // a write through another connection (another process, the pipeline)
    const writer = await openSqliteStore(path);
    try {
      await writer.interactions.upsert([view("u", 2)]);
    } finally {
      await writer.close();
    }
    assert.notEqual(await version("u"), afterRemove);
    assert.equal((await store.interactions.forUser("u")).length, 1);
  } finally {
    await store.close();
  }
});

Deno.test("sqlite: load puts a large matrix where the scoring kernel reads it", async () => {
  const { store } = await openTemp();
  try {
    const rows = 200;
    const dim = 128;
    await store.embeddings.put(
      "m",
      Array.from({ length: rows }, (_, i) => ({
        movieId: rows - i,
        textHash: String(i),
        vector: Float32Array.from({ length: dim }, (_, d) => i + d / dim),
      })),
    );
    const matrix = (await store.embeddings.load("m"))!;
    assert.equal(matrix.ids[0], 1);
    assert.equal(matrix.vectors[0], rows - 1);
    assert.equal(matrix.vectors[dim + 1], rows - 2 + 1 / dim);
    // the kernel's memory holds query and scores after the matrix
    if (simdAvailable()) {
      assert.equal(matrix.vectors.byteOffset, 0);
      assert.ok(matrix.vectors.buffer.byteLength > rows * dim * 4);
    }
  } finally {
    await store.close();
  }
});
