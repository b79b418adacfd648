/**
 * GcsObjectStorage through the real `@google-cloud/storage` client, against
 * tests/gcs_bridge.ts (an in-memory server speaking GCS's JSON API), offline.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { datasetObjectKey, ensureDataset } from "../pipeline/download.ts";
import { readMovies } from "../pipeline/parse_movies.ts";
import { fixtureZip } from "./fixtures/dataset_zip.ts";
import { tempPipeline } from "./fixtures/pipeline_context.ts";
import {
  bridgeClient,
  crc32cBase64,
  type GcsBridge,
  startGcsBridge,
} from "./gcs_bridge.ts";
import { GcsObjectStorage } from "../store/objects/gcs.ts";

const BUCKET = "test-bucket";

async function withBridge(
  fn: (bridge: GcsBridge) => Promise<void>,
): Promise<void> {
  const bridge = await startGcsBridge({ buckets: [BUCKET] });
  try {
    await fn(bridge);
  } finally {
    await bridge.close();
  }
}

const text = (s: string) => new TextEncoder().encode(s);

Deno.test("gcs storage: writes, reads and replaces objects under the prefix", () =>
  withBridge(async (bridge) => {
    const storage = new GcsObjectStorage(BUCKET, "movielens", {
      storage: bridgeClient(bridge),
    });
    assert.equal(storage.description, `gs://${BUCKET}/movielens/`);
    assert.equal(await storage.exists("ml/ratings.csv"), false);
    assert.equal(await storage.read("ml/ratings.csv"), null);

    await storage.write("ml/ratings.csv", text("a,b\n"));
    assert.equal(await storage.exists("ml/ratings.csv"), true);
    assert.equal(
      new TextDecoder().decode((await storage.read("ml/ratings.csv"))!),
      "a,b\n",
    );
    const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
    await storage.write("ml/ratings.csv", binary);
    assert.deepEqual(await storage.read("ml/ratings.csv"), binary);
    await storage.write("deep/er/still/x.bin", new Uint8Array(0));
    assert.deepEqual(
      await storage.read("deep/er/still/x.bin"),
      new Uint8Array(0),
    );
    // A "folder" is not an object.
    assert.equal(await storage.exists("ml"), false);

    // The prefix is applied, "/" kept in the object name.
    assert.deepEqual(bridge.names(BUCKET), [
      "movielens/deep/er/still/x.bin",
      "movielens/ml/ratings.csv",
    ]);
    const stored = bridge.object(BUCKET, "movielens/ml/ratings.csv")!;
    assert.equal(stored.contentType, "application/octet-stream");
    // One multipart request per write, never a resumable session, and no
    // credentials on any request.
    const uploads = bridge.requests.filter((r) => r.method === "POST");
    assert.equal(uploads.length, 3);
    for (const upload of uploads) {
      assert.equal(upload.path, `/upload/storage/v1/b/${BUCKET}/o`);
      assert.equal(upload.query.uploadType, "multipart");
    }
    assert.ok(bridge.requests.every((r) => r.authorization === null));
  }));

Deno.test("gcs storage: an empty prefix stores keys as they are", () =>
  withBridge(async (bridge) => {
    const storage = new GcsObjectStorage(BUCKET, "", {
      storage: bridgeClient(bridge),
    });
    assert.equal(storage.description, `gs://${BUCKET}/`);
    await storage.write("a/b.zip", text("zip"));
    assert.deepEqual(bridge.names(BUCKET), ["a/b.zip"]);
    assert.deepEqual(await storage.read("a/b.zip"), text("zip"));
  }));

Deno.test("gcs storage: a 5 MB object round-trips intact", () =>
  withBridge(async (bridge) => {
    const storage = new GcsObjectStorage(BUCKET, "p/", {
      storage: bridgeClient(bridge),
    });
    const big = new Uint8Array(5 * 1024 * 1024);
    // Random-looking bytes, including CR LF and "--", which a multipart
    // parser must not take for a boundary.
    let x = 12345;
    for (let i = 0; i < big.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      big[i] = x >>> 24;
    }
    big.set(text("\r\n--\r\n--"), 1000);
    await storage.write("model.bin", big);
    const read = (await storage.read("model.bin"))!;
    assert.equal(read.length, big.length);
    assert.ok(read.every((b, i) => b === big[i]), "bytes differ");
    assert.equal(
      crc32cBase64(bridge.object(BUCKET, "p/model.bin")!.data),
      crc32cBase64(big),
    );
  }));

Deno.test("gcs storage: bytes that do not match the stored CRC32C are an error", () =>
  withBridge(async (bridge) => {
    const storage = new GcsObjectStorage(BUCKET, "p/", {
      storage: bridgeClient(bridge),
    });
    await storage.write("x.bin", text("good bytes"));
    bridge.object(BUCKET, "p/x.bin")!.data[0] ^= 0xff;
    await assert.rejects(storage.read("x.bin"), (error: Error) => {
      assert.match(
        error.message,
        /^Cannot read gs:\/\/test-bucket\/p\/x\.bin: /,
      );
      return true;
    });
  }));

Deno.test("gcs storage: bad keys are refused before any request", () =>
  withBridge(async (bridge) => {
    const storage = new GcsObjectStorage(BUCKET, "p", {
      storage: bridgeClient(bridge),
    });
    for (const key of ["", "../x", "a//b", "/etc/passwd", "a/"]) {
      await assert.rejects(storage.write(key, new Uint8Array(1)), TypeError);
      await assert.rejects(storage.read(key), TypeError);
      await assert.rejects(storage.exists(key), TypeError);
    }
    assert.equal(bridge.requests.length, 0);
    assert.throws(() => new GcsObjectStorage("gs://bucket"), TypeError);
    assert.throws(() => new GcsObjectStorage(" "), TypeError);
  }));

Deno.test("gcs storage: a missing bucket fails a write with the object's address", () =>
  withBridge(async (bridge) => {
    const storage = new GcsObjectStorage("no-such-bucket", "p/", {
      storage: bridgeClient(bridge),
    });
    await assert.rejects(
      storage.write("x.bin", new Uint8Array(3)),
      (error: Error) => {
        assert.match(
          error.message,
          /^Cannot write gs:\/\/no-such-bucket\/p\/x\.bin: .*bucket does not exist/,
        );
        return true;
      },
    );
  }));

Deno.test("gcs storage: the dataset zip is cached in the bucket and a fresh run downloads nothing", () =>
  withBridge(async (bridge) => {
    const zip = await fixtureZip();
    const md5 = createHash("md5").update(zip).digest("hex");
    const datasetRequests: string[] = [];
    const grouplens = Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen() {} },
      (request) => {
        const path = new URL(request.url).pathname;
        datasetRequests.push(path);
        if (path === "/datasets/ml-latest-small.zip") return new Response(zip);
        if (path === "/datasets/ml-latest-small.zip.md5") {
          return new Response(`MD5 (ml-latest-small.zip) = ${md5}\n`);
        }
        return new Response("not found", { status: 404 });
      },
    );
    const env = {
      MOVIELENS_BASE_URL: `http://127.0.0.1:${grouplens.addr.port}/datasets`,
      GCS_BUCKET: BUCKET,
      GCS_PREFIX: "movielens/",
    };
    try {
      const first = await tempPipeline(env);
      // The configured storage, with the client aimed at the bridge.
      const objects = new GcsObjectStorage(
        first.config.GCS_BUCKET!,
        first.config.GCS_PREFIX,
        { storage: bridgeClient(bridge) },
      );
      assert.equal(first.objects.description, objects.description);
      const fetched = await ensureDataset(first.config, objects);
      assert.equal(fetched.source, "network");
      assert.equal(datasetRequests.length, 2);
      const key = `movielens/${datasetObjectKey("ml-latest-small")}`;
      assert.deepEqual(bridge.object(BUCKET, key)?.data, zip);

      // A fresh DATA_DIR (another Cloud Run task): extracted from the bucket.
      const second = await tempPipeline(env);
      const cached = await ensureDataset(second.config, objects);
      assert.equal(cached.source, "cache");
      assert.equal((await readMovies(cached.dir)).length, 12);
      assert.equal(datasetRequests.length, 2, "the dataset URL was fetched");
      await first.close();
      await second.close();
    } finally {
      await grouplens.shutdown();
    }
  }));
