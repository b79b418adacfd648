import assert from "node:assert/strict";
import type { Interaction } from "../core/types.ts";
import { openSqliteStore } from "../store/sqlite/mod.ts";
import type { InteractionStore } from "../store/types.ts";
import {
  historyFingerprint,
  HistoryFingerprints,
} from "./history_fingerprint.ts";

const rating = (movieId: number, value: number): Interaction => ({
  userId: "u",
  movieId,
  type: "rating",
  value,
  timestamp: movieId,
});

Deno.test("history fingerprints are remembered until the history changes, whoever writes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "history_fp_" });
  const store = await openSqliteStore(`${dir}/db.sqlite`);
  try {
    const fingerprints = new HistoryFingerprints(store.interactions, 10);
    const first = await fingerprints.of("u");
    assert.deepEqual(first.history, []);
    assert.equal(first.fingerprint, historyFingerprint([]));
    const again = await fingerprints.of("u");
    assert.equal(again.history, null, "not read again");
    assert.equal(again.fingerprint, first.fingerprint);

    await store.interactions.upsert([rating(1, 4)]);
    const written = await fingerprints.of("u");
    assert.deepEqual(written.history, [rating(1, 4)]);
    assert.equal(written.fingerprint, historyFingerprint([rating(1, 4)]));

    const other = await openSqliteStore(`${dir}/db.sqlite`);
    try {
      await other.interactions.upsert([rating(1, 2)]);
    } finally {
      await other.close();
    }
    const elsewhere = await fingerprints.of("u");
    assert.equal(elsewhere.fingerprint, historyFingerprint([rating(1, 2)]));
    assert.equal((await fingerprints.of("u")).history, null);
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("without history versions the history is read every time", async () => {
  let reads = 0;
  const interactions = {
    forUser: () => {
      reads++;
      return Promise.resolve([rating(3, 5)]);
    },
  } as unknown as InteractionStore;
  const fingerprints = new HistoryFingerprints(interactions, 10);
  await fingerprints.of("u");
  const second = await fingerprints.of("u");
  assert.equal(reads, 2);
  assert.deepEqual(second.history, [rating(3, 5)]);
});
