/**
 * Atlas Vector Search cannot run here (it needs an Atlas cluster, not a plain
 * mongod), so these tests check what we send to it: the index definition, the
 * aggregation pipeline, and the idempotent create/update decision.
 */
import assert from "node:assert/strict";
import { Binary, type Document } from "mongodb";
import {
  ensureVectorSearchIndex,
  type SearchIndexCollection,
  VECTOR_INDEX_NAME,
  vectorFromDocument,
  vectorSearchIndexDefinition,
  vectorSearchPipeline,
} from "./vector_search.ts";

Deno.test("vector index: definition indexes the vector and filters by model", () => {
  assert.deepEqual(vectorSearchIndexDefinition(384), {
    fields: [
      {
        type: "vector",
        path: "vector",
        numDimensions: 384,
        similarity: "dotProduct",
      },
      { type: "filter", path: "model" },
      { type: "filter", path: "movieId" },
    ],
  });
  assert.deepEqual(vectorSearchIndexDefinition(8, "cosine").fields[0], {
    type: "vector",
    path: "vector",
    numDimensions: 8,
    similarity: "cosine",
  });
  assert.throws(() => vectorSearchIndexDefinition(0), /from 1 to 8192, got 0/);
  assert.throws(() => vectorSearchIndexDefinition(1.5), /got 1.5/);
});

Deno.test("vector search: pipeline filters by model, excludes seen movies, maps scores", () => {
  const query = new Float32Array([0.6, 0.8]);
  const [search, project] = vectorSearchPipeline("minilm", query, {
    k: 10,
    exclude: [3, 5],
  });
  const stage = search.$vectorSearch;
  assert.equal(stage.index, VECTOR_INDEX_NAME);
  assert.equal(stage.path, "vector");
  assert.equal(stage.limit, 10);
  assert.equal(stage.numCandidates, 200);
  assert.deepEqual(stage.filter, {
    $and: [{ model: { $eq: "minilm" } }, { movieId: { $nin: [3, 5] } }],
  });
  // The query travels as an exact BSON float32 vector.
  assert.ok(stage.queryVector instanceof Binary);
  assert.deepEqual(stage.queryVector.toFloat32Array(), query);
  // Atlas reports (1 + cosine) / 2; the projection turns it back to cosine.
  assert.deepEqual(project.$project.score, {
    $subtract: [{ $multiply: [{ $meta: "vectorSearchScore" }, 2] }, 1],
  });
  assert.equal(project.$project._id, 0);
});

Deno.test("vector search: candidates scale with k within Atlas limits", () => {
  const q = new Float32Array([1]);
  const candidates = (k: number, n?: number) =>
    vectorSearchPipeline("m", q, { k, numCandidates: n })[0].$vectorSearch
      .numCandidates;
  assert.equal(candidates(1), 100);
  assert.equal(candidates(1000), 10_000);
  assert.equal(candidates(50, 10), 50); // never fewer than the limit
  assert.deepEqual(
    vectorSearchPipeline("m", q, { k: 5 })[0].$vectorSearch.filter,
    { model: { $eq: "m" } },
  );
  assert.throws(() => vectorSearchPipeline("m", q, { k: 0 }), /got 0/);
});

Deno.test("vector search: stored vectors must be BSON float32 vectors", () => {
  const v = new Float32Array([0.25, -1]);
  assert.deepEqual(vectorFromDocument(Binary.fromFloat32Array(v)), v);
  assert.throws(
    () => vectorFromDocument(new Binary(new Uint8Array(8))),
    /float32 vector .* found Binary subtype 0/,
  );
  assert.throws(() => vectorFromDocument([0.25, -1]), /found object/);
});

/** Records calls like the Atlas admin commands would, in memory. */
function recordingCollection(): SearchIndexCollection & { calls: string[] } {
  const indexes = new Map<string, Document>();
  const calls: string[] = [];
  return {
    calls,
    listSearchIndexes: (name: string) => ({
      toArray: () =>
        Promise.resolve(
          indexes.has(name)
            ? [{ name, latestDefinition: indexes.get(name) }]
            : [],
        ),
    }),
    createSearchIndex: ({ name, type, definition }) => {
      calls.push(`create ${name} ${type}`);
      indexes.set(name, structuredClone(definition));
      return Promise.resolve(name);
    },
    updateSearchIndex: (name, definition) => {
      calls.push(`update ${name}`);
      indexes.set(name, structuredClone(definition));
      return Promise.resolve();
    },
  };
}

Deno.test("vector index: creation is idempotent and follows a new width", async () => {
  const collection = recordingCollection();
  const def384 = vectorSearchIndexDefinition(384);
  assert.equal(await ensureVectorSearchIndex(collection, def384), "created");
  assert.equal(await ensureVectorSearchIndex(collection, def384), "unchanged");
  assert.equal(
    await ensureVectorSearchIndex(collection, vectorSearchIndexDefinition(768)),
    "updated",
  );
  assert.deepEqual(collection.calls, [
    `create ${VECTOR_INDEX_NAME} vectorSearch`,
    `update ${VECTOR_INDEX_NAME}`,
  ]);
});
