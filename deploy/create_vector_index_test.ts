/**
 * Atlas cannot run here; this checks how `--wait` reads the index status
 * Atlas lists.
 */
import assert from "node:assert/strict";
import { searchIndexState } from "./create_vector_index.ts";

Deno.test("vector index wait: ready only when built with its latest definition", () => {
  assert.equal(searchIndexState(undefined), "building");
  assert.equal(searchIndexState({ status: "PENDING" }), "building");
  assert.equal(
    searchIndexState({ status: "BUILDING", queryable: false }),
    "building",
  );
  // After an update the old definition still serves while the new one builds.
  assert.equal(
    searchIndexState({ status: "BUILDING", queryable: true }),
    "building",
  );
  assert.equal(searchIndexState({ status: "READY", queryable: true }), "ready");
  assert.equal(
    searchIndexState({ status: "FAILED", queryable: false }),
    "failed",
  );
});
