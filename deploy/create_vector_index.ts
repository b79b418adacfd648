/**
 * Creates (or updates) the Atlas Vector Search index over the embeddings the
 * pipeline stored; running it again changes nothing. Independent of the
 * pipeline code: it only reads one stored vector to learn the width.
 *
 * Usage (MONGODB_URI and MONGODB_DB come from the environment):
 *   deno run -A deploy/create_vector_index.ts [--model minilm] [--dim 384]
 *     [--similarity dotProduct|cosine] [--wait]
 */
import { parseArgs } from "node:util";
import { type Db, type Document, MongoClient } from "mongodb";
import { configFromEnv } from "../config/mod.ts";
import { embeddingModel } from "../pipeline/embedders/mod.ts";
import {
  EMBEDDINGS_COLLECTION,
  ensureVectorSearchIndex,
  type IndexAction,
  VECTOR_INDEX_NAME,
  vectorFromDocument,
  vectorSearchIndexDefinition,
  type VectorSimilarity,
} from "../store/mongodb/vector_search.ts";

/** Options of `createVectorIndex`. */
export interface CreateVectorIndexOptions {
  /** Embedding model whose width sizes the index (when `dim` is not given). */
  model: string;
  /** Vector width; read from a stored embedding of `model` when omitted. */
  dim?: number;
  similarity?: VectorSimilarity;
}

/**
 * Ensures the vector index exists with the right width; returns what it did
 * and the width used.
 */
export async function createVectorIndex(
  db: Db,
  options: CreateVectorIndexOptions,
): Promise<{ action: IndexAction; dim: number }> {
  const collection = db.collection(EMBEDDINGS_COLLECTION);
  let dim = options.dim;
  if (dim === undefined) {
    const row = await collection.findOne(
      { model: options.model },
      { projection: { _id: 0, vector: 1 } },
    );
    if (!row) {
      throw new Error(
        `No embeddings of model "${options.model}" in ${db.databaseName}.${EMBEDDINGS_COLLECTION}: ` +
          `run the pipeline first, or pass --dim`,
      );
    }
    dim = vectorFromDocument(row.vector).length;
  }
  const definition = vectorSearchIndexDefinition(dim, options.similarity);
  try {
    const action = await ensureVectorSearchIndex(collection, definition);
    return { action, dim };
  } catch (error) {
    // Shared tiers (M0/M2/M5) may refuse the driver's search index commands
    // and allow at most 3 search indexes; the Atlas UI always works.
    throw new Error(
      `Could not create or update the vector index ${VECTOR_INDEX_NAME} on ${db.databaseName}.${EMBEDDINGS_COLLECTION}: ${
        error instanceof Error ? error.message : String(error)
      }. On an M0/M2/M5 cluster, create it in the Atlas UI (Atlas Search > Create Search Index > Vector Search > JSON Editor) ` +
        `with the name ${VECTOR_INDEX_NAME} and this definition: ${
          JSON.stringify(definition)
        }`,
      { cause: error },
    );
  }
}

/** Where an Atlas search index stands, from its `listSearchIndexes` entry. */
export type SearchIndexState = "ready" | "building" | "failed";

/**
 * Reads a `listSearchIndexes` entry. Ready means built with its latest
 * definition: after an update, `queryable` stays true (the old definition
 * still serves) while `status` is "BUILDING", so both are checked.
 *
 * @example
 * searchIndexState({ status: "READY", queryable: true }); // "ready"
 */
export function searchIndexState(
  index: Document | undefined,
): SearchIndexState {
  if (!index) return "building"; // just created: not listed yet
  if (index.status === "FAILED") return "failed";
  return index.status === "READY" && index.queryable === true
    ? "ready"
    : "building";
}

/**
 * Polls until Atlas reports the index built with its latest definition;
 * throws when the build failed or `timeoutMs` passes.
 */
export async function waitUntilQueryable(
  db: Db,
  timeoutMs = 300_000,
): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const [index]: Document[] = await db.collection(EMBEDDINGS_COLLECTION)
      .listSearchIndexes(VECTOR_INDEX_NAME).toArray();
    const state = searchIndexState(index);
    if (state === "ready") return;
    if (state === "failed") {
      throw new Error(
        `Index ${VECTOR_INDEX_NAME} failed to build: ${
          JSON.stringify(index?.statusDetail ?? index)
        }; check Atlas UI > Search`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
  throw new Error(
    `Index ${VECTOR_INDEX_NAME} not queryable after ${
      timeoutMs / 1000
    } s; check Atlas UI > Search`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      model: { type: "string" },
      dim: { type: "string" },
      similarity: { type: "string", default: "dotProduct" },
      wait: { type: "boolean", default: false },
    },
  });
  const config = configFromEnv();
  if (!config.MONGODB_URI) {
    throw new Error(
      "MONGODB_URI is not set: expected an Atlas connection string",
    );
  }
  if (values.similarity !== "dotProduct" && values.similarity !== "cosine") {
    throw new Error(
      `--similarity must be dotProduct or cosine, got "${values.similarity}"`,
    );
  }
  const dim = values.dim === undefined ? undefined : Number(values.dim);
  const client = new MongoClient(config.MONGODB_URI);
  try {
    const db = client.db(config.MONGODB_DB);
    const result = await createVectorIndex(db, {
      model: values.model ?? embeddingModel(config),
      dim,
      similarity: values.similarity,
    });
    console.log(
      `Vector index ${VECTOR_INDEX_NAME} (${result.dim} dims): ${result.action}`,
    );
    if (values.wait) {
      await waitUntilQueryable(db);
      console.log(`Vector index ${VECTOR_INDEX_NAME} is queryable`);
    }
  } finally {
    await client.close();
  }
}

if (import.meta.main) await main();
