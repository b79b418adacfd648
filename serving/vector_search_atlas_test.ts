/**
 * Atlas cannot run here; this checks the limits `AtlasVectorIndex` asks it
 * for, which must match what the in-memory index answers.
 */
import assert from "node:assert/strict";
import { atlasSearchLimit, FILTER_OVERFETCH } from "./vector_search_atlas.ts";

Deno.test("atlas index: limit is k, over-fetched when filtered, within Atlas bounds", () => {
  assert.equal(atlasSearchLimit(20, false), 20);
  assert.equal(atlasSearchLimit(20, true), 20 * FILTER_OVERFETCH);
  // Atlas refuses limit 0 and limits above 10 000; memory returns [] for k < 1.
  assert.equal(atlasSearchLimit(0, false), 0);
  assert.equal(atlasSearchLimit(-3, true), 0);
  assert.equal(atlasSearchLimit(Number.NaN, false), 0);
  assert.equal(atlasSearchLimit(50_000, false), 10_000);
  assert.equal(atlasSearchLimit(5_000, true), 10_000);
  assert.equal(atlasSearchLimit(2.5, false), 2);
});
