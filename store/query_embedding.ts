/**
 * What serving needs to embed a search query the way the pipeline embedded
 * the movies, one record per embedding model in `store.meta`: TF-IDF's
 * vocabulary (document frequencies and settings), or which sentence model
 * and precision made the MiniLM vectors. The embed step writes it beside
 * the vectors; serving reads it at start.
 */
import type { TfidfVocabulary } from "../core/text/tfidf.ts";
import type { MetaStore } from "./types.ts";

/** How queries are embedded for one embedding model. */
export type QueryEmbedding =
  | { model: "tfidf"; vocabulary: TfidfVocabulary }
  | {
    model: "minilm";
    /** Hub id or folder name under MODEL_DIR, e.g. "Xenova/all-MiniLM-L6-v2". */
    name: string;
    /** ONNX precision the vectors were made with, e.g. "fp32". */
    dtype: string;
  };

/** Thrown when a stored record cannot be read back. */
export class QueryEmbeddingError extends Error {
  constructor(key: string, reason: string) {
    super(`Cannot read the query embedding stored under "${key}": ${reason}`);
    this.name = "QueryEmbeddingError";
  }
}

/** Format version, bumped when the layout changes. */
const VERSION = 1;

/** The `store.meta` blob key of a model's record. */
export function queryEmbeddingKey(model: string): string {
  return `query-embedding:${model}`;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Writes the record of `spec.model`, replacing the previous one.
 *
 * @example
 * ```ts
 * await saveQueryEmbedding(store.meta, { model: "tfidf", vocabulary });
 * ```
 */
export async function saveQueryEmbedding(
  meta: MetaStore,
  spec: QueryEmbedding,
): Promise<void> {
  const body = spec.model === "tfidf"
    ? {
      version: VERSION,
      model: spec.model,
      dim: spec.vocabulary.dim,
      seed: spec.vocabulary.seed,
      weights: spec.vocabulary.weights,
      documents: spec.vocabulary.documents,
      // Sorted, so the same vocabulary always writes the same bytes.
      documentFrequency: [...spec.vocabulary.documentFrequency].sort((a, b) =>
        a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0
      ),
    }
    : { version: VERSION, ...spec };
  await meta.setBlob(
    queryEmbeddingKey(spec.model),
    encoder.encode(JSON.stringify(body)),
  );
}

/**
 * The record of `model`, or null when the pipeline never wrote one (a store
 * embedded before search existed: rerun `deno task pipeline embed`).
 * Throws `QueryEmbeddingError` when it is unreadable.
 *
 * @example
 * ```ts
 * const spec = await loadQueryEmbedding(store.meta, "tfidf");
 * ```
 */
export async function loadQueryEmbedding(
  meta: MetaStore,
  model: string,
): Promise<QueryEmbedding | null> {
  const key = queryEmbeddingKey(model);
  const bytes = await meta.getBlob(key);
  if (!bytes) return null;
  let body;
  try {
    body = JSON.parse(decoder.decode(bytes));
  } catch (error) {
    throw new QueryEmbeddingError(key, (error as Error).message);
  }
  if (body?.version !== VERSION) {
    throw new QueryEmbeddingError(
      key,
      `expected format version ${VERSION}, found ${body?.version}`,
    );
  }
  if (body.model === "minilm") {
    return {
      model: "minilm",
      name: String(body.name),
      dtype: String(body.dtype),
    };
  }
  if (body.model !== "tfidf" || !Array.isArray(body.documentFrequency)) {
    throw new QueryEmbeddingError(
      key,
      `expected a tfidf or minilm record, found model ${
        JSON.stringify(body.model)
      }`,
    );
  }
  return {
    model: "tfidf",
    vocabulary: {
      dim: body.dim,
      seed: body.seed,
      weights: body.weights,
      documents: body.documents,
      documentFrequency: new Map(body.documentFrequency),
    },
  };
}
