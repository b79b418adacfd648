import assert from "node:assert/strict";
import { FolderObjectStorage } from "./folder.ts";

async function withStorage(
  fn: (storage: FolderObjectStorage, dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "objects_" });
  try {
    await fn(new FolderObjectStorage(dir), dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("folder storage: writes, reads and replaces objects under nested keys", () =>
  withStorage(async (storage, dir) => {
    assert.equal(storage.description, `folder ${dir}`);
    assert.equal(await storage.exists("ml/ratings.csv"), false);
    assert.equal(await storage.read("ml/ratings.csv"), null);

    await storage.write("ml/ratings.csv", new TextEncoder().encode("a,b\n"));
    assert.equal(await storage.exists("ml/ratings.csv"), true);
    assert.equal(
      new TextDecoder().decode((await storage.read("ml/ratings.csv"))!),
      "a,b\n",
    );
    await storage.write("ml/ratings.csv", new Uint8Array([1, 2, 3]));
    assert.deepEqual(
      await storage.read("ml/ratings.csv"),
      new Uint8Array([1, 2, 3]),
    );
    await storage.write("deep/er/still/x.bin", new Uint8Array(0));
    assert.deepEqual(
      await storage.read("deep/er/still/x.bin"),
      new Uint8Array(0),
    );
    // A folder is not an object.
    assert.equal(await storage.exists("ml"), false);
    // No temporary files are left behind.
    const names = [...Deno.readDirSync(`${dir}/ml`)].map((e) => e.name);
    assert.deepEqual(names, ["ratings.csv"]);
  }));

Deno.test("folder storage: concurrent writes of one key leave one whole object", () =>
  withStorage(async (storage) => {
    const versions = Array.from(
      { length: 8 },
      (_, i) => new Uint8Array(256 * 1024).fill(i + 1),
    );
    await Promise.all(versions.map((v) => storage.write("model.bin", v)));
    const read = (await storage.read("model.bin"))!;
    assert.equal(read.length, 256 * 1024);
    assert.ok(
      read.every((b) => b === read[0]),
      "bytes from two writes were mixed",
    );
  }));

Deno.test("folder storage: keys that could escape the folder are refused", () =>
  withStorage(async (storage) => {
    for (
      const key of [
        "",
        "../x",
        "a/../../x",
        "/etc/passwd",
        "a//b",
        "a/",
        "./a",
        "a\\b",
      ]
    ) {
      await assert.rejects(
        storage.write(key, new Uint8Array(1)),
        TypeError,
        key,
      );
      await assert.rejects(storage.read(key), TypeError, key);
    }
  }));
