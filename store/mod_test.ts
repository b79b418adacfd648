import assert from "node:assert/strict";
import { parseConfig } from "../config/mod.ts";
import { openObjectStorage, openStore } from "./mod.ts";

Deno.test("openStore: SQLite in DATA_DIR by default, creating the folder", async () => {
  const dir = await Deno.makeTempDir({ prefix: "store_mod_" });
  try {
    const config = parseConfig({ DATA_DIR: `${dir}/nested/data` });
    const store = await openStore(config);
    assert.equal(store.kind, "sqlite");
    await store.ping();
    await store.close();
    assert.ok((await Deno.stat(`${dir}/nested/data/movielens.db`)).isFile);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openObjectStorage: a folder by default, GCS when GCS_BUCKET is set", () => {
  const folder = openObjectStorage(parseConfig({ DATA_DIR: "/tmp/x" }));
  assert.equal(folder.description, "folder /tmp/x/objects");
  const gcs = openObjectStorage(
    parseConfig({ GCS_BUCKET: "bucket", GCS_PREFIX: "ml" }),
  );
  assert.equal(gcs.description, "gs://bucket/ml/");
});
