/**
 * Without multi-document transactions (FerretDB 1.24, a standalone mongod),
 * the MongoDB store orders its writes so that a crash at any point leaves
 * it consistent. Checked the honest way: a real second process writing
 * through the store is killed (SIGKILL) inside its writes, again and again,
 * and after each kill the store must hold the old or the new blob whole,
 * every marker must vouch only for writes that landed, and writing again
 * must complete the work without duplicates. Needs MONGODB_URI (.ci/run
 * starts FerretDB for it).
 */
import assert from "node:assert/strict";
import { MongoClient } from "mongodb";
import { openMongoStore } from "../store/mongodb/mod.ts";
import {
  blobSize,
  interactionCount,
  roundBlob,
  roundInteractions,
} from "./fixtures/mongodb_crash_writer.ts";

const uri = Deno.env.get("MONGODB_URI");
const writer = new URL("./fixtures/mongodb_crash_writer.ts", import.meta.url);

/** Starts the writer and kills it `delayMs` after it begins `phase`. */
async function killDuring(
  dbName: string,
  kill: { phase: string; delayMs: number },
): Promise<string[]> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", writer.pathname, uri!, dbName],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const seen: string[] = [];
  // a writer that never reaches the phase is killed too, and the test fails
  const deadline = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const lines = child.stdout.pipeThrough(new TextDecoderStream());
  let buffer = "";
  let killing = false;
  for await (const text of lines) {
    buffer += text;
    const parts = buffer.split("\n");
    buffer = parts.pop()!;
    seen.push(...parts);
    if (!killing && parts.some((p) => p.startsWith(kill.phase))) {
      killing = true;
      setTimeout(() => child.kill("SIGKILL"), kill.delayMs);
    }
  }
  clearTimeout(deadline);
  const status = await child.status;
  assert.equal(status.signal, "SIGKILL", `writer ended on its own: ${seen}`);
  assert.ok(killing, `the writer never began "${kill.phase}": ${seen}`);
  return seen;
}

Deno.test({
  name: "mongodb: a writer killed mid-write leaves the store consistent" +
    (uri ? "" : " (ignored: MONGODB_URI not set)"),
  ignore: !uri,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dbName = `movielens_crash_${Date.now()}`;
    const client = new MongoClient(uri!);
    try {
      // Inside each write of a round: the blob's parts, its head, the
      // interactions, the marker; delays differ so that kills land apart.
      const kills = [
        { phase: "blob", delayMs: 300 },
        { phase: "blob", delayMs: 1500 },
        { phase: "interactions", delayMs: 50 },
        { phase: "marker", delayMs: 0 },
        { phase: "blob", delayMs: 800 },
      ];
      for (const kill of kills) {
        const seen = await killDuring(dbName, kill);
        const store = await openMongoStore(uri!, dbName);
        try {
          const last = seen.at(-1);
          const blob = await store.meta.getBlob("model");
          const round = Number(await store.meta.get("round") ?? 0);
          if (blob) {
            // one round's bytes, whole: never parts of two versions
            const blobRound = new DataView(blob.buffer, blob.byteOffset)
              .getUint32(0, true);
            assert.equal(blob.length, blobSize, `after "${last}"`);
            assert.deepEqual(blob, roundBlob(blobRound, blobSize));
            assert.ok(blobRound >= round, "the marker vouches for the blob");
          } else {
            assert.equal(round, 0, `a marker without its blob, "${last}"`);
          }
          const rows = await store.interactions.count();
          assert.ok(rows <= interactionCount, `${rows} rows: duplicates`);
          if (round > 0) {
            assert.equal(rows, interactionCount, "the marker's rows landed");
            const oldest = Math.min(
              ...(await collectTimestamps(store.interactions.scan())),
            );
            assert.ok(oldest >= round, "every row of the marked round landed");
          }
        } finally {
          await store.close();
        }
      }
      // Writing again completes the work, and sweeps what the kills left.
      const store = await openMongoStore(uri!, dbName, {
        blobOrphanGraceMs: 0,
      });
      try {
        await store.meta.setBlob("model", roundBlob(99, blobSize));
        await store.interactions.upsert(
          roundInteractions(99, interactionCount),
        );
        await store.meta.set("round", "99");
        assert.deepEqual(
          await store.meta.getBlob("model"),
          roundBlob(99, blobSize),
        );
        assert.equal(await store.interactions.count(), interactionCount);
        const db = client.db(dbName);
        const head = await db.collection("blobs").findOne({
          _id: "model" as never,
        });
        const parts = await db.collection("blob_parts").find({}, {
          projection: { version: 1 },
        }).toArray();
        assert.equal(parts.length, 2, "only the current blob's parts remain");
        assert.ok(parts.every((p) => p.version === head?.version));
      } finally {
        await store.close();
      }
    } finally {
      await client.db(dbName).dropDatabase();
      await client.close();
    }
  },
});

async function collectTimestamps(
  batches: AsyncIterable<{ timestamp: number }[]>,
): Promise<number[]> {
  const out: number[] = [];
  for await (const batch of batches) out.push(...batch.map((r) => r.timestamp));
  return out;
}
