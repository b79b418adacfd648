/**
 * Atlas Vector Search over the `embeddings` collection that the MongoDB
 * adapter writes (`{model, movieId, textHash, vector}`, `vector` a BSON
 * float32 vector). Used instead of exact in-memory search when the catalog's
 * matrix no longer fits the API's memory (see docs/DEPLOY.md, "When to switch
 * to $vectorSearch").
 */
import { Binary, type Db, type Document } from "mongodb";
import type { EmbeddingMatrix, ScoredMovie } from "../../core/types.ts";
import { EmbeddingMatrixPacker } from "../embedding_matrix.ts";
import type { NearestOptions, VectorSearchCapability } from "../types.ts";

/** Collection the MongoDB adapter keeps embeddings in. */
export const EMBEDDINGS_COLLECTION = "embeddings";
/** Name of the Atlas Vector Search index over `embeddings.vector`. */
export const VECTOR_INDEX_NAME = "embeddings_vector";

/**
 * Similarity Atlas computes. Our vectors are L2-normalised, so "dotProduct"
 * equals cosine and is the cheaper of the two.
 */
export type VectorSimilarity = "dotProduct" | "cosine";

/** Definition of the Atlas Vector Search index (type "vectorSearch"). */
export interface VectorSearchIndexDefinition {
  fields: (
    | {
      type: "vector";
      path: "vector";
      numDimensions: number;
      similarity: VectorSimilarity;
    }
    | { type: "filter"; path: "model" | "movieId" }
  )[];
}

/**
 * The index definition for vectors of width `dim`. `model` is a filter field
 * so one index serves every embedding model of that width (Atlas leaves out
 * vectors of another width, so only models of width `dim` are searchable);
 * `movieId` is one so that a user's already-seen movies are excluded inside
 * the search (`$nin` needs it indexed as a filter), not after it. One index
 * in all, since Atlas M0 allows at most 3 Search and Vector Search indexes.
 *
 * @example
 * vectorSearchIndexDefinition(384).fields[0];
 * // { type: "vector", path: "vector", numDimensions: 384, similarity: "dotProduct" }
 */
export function vectorSearchIndexDefinition(
  dim: number,
  similarity: VectorSimilarity = "dotProduct",
): VectorSearchIndexDefinition {
  // Atlas accepts 1 to 8192 dimensions.
  if (!Number.isInteger(dim) || dim < 1 || dim > 8192) {
    throw new RangeError(
      `Vector index dimensions must be an integer from 1 to 8192, got ${dim}`,
    );
  }
  return {
    fields: [
      { type: "vector", path: "vector", numDimensions: dim, similarity },
      { type: "filter", path: "model" },
      { type: "filter", path: "movieId" },
    ],
  };
}

/** Options of `vectorSearchPipeline`. */
export interface VectorSearchOptions {
  /** How many movies to return, 1 to 10 000. */
  k: number;
  /** Movies to leave out (e.g. the ones a user has seen). */
  exclude?: Iterable<number>;
  /** Index name; default `VECTOR_INDEX_NAME`. */
  index?: string;
  /**
   * Candidates the HNSW search visits. Atlas advises 10 to 20 times the
   * limit for good recall; default max(20·k, 100), capped at 10 000.
   */
  numCandidates?: number;
}

/**
 * The aggregation pipeline for the `options.k` nearest movies of `model` to
 * `queryVector`, skipping `options.exclude`. Scores are turned back into cosine
 * similarity (Atlas reports (1 + cosine) / 2 for dotProduct and cosine).
 */
export function vectorSearchPipeline(
  model: string,
  queryVector: Float32Array,
  options: VectorSearchOptions,
): Document[] {
  const k = options.k;
  if (!Number.isInteger(k) || k < 1 || k > 10_000) {
    throw new RangeError(
      `Vector search limit must be an integer from 1 to 10000, got ${k}`,
    );
  }
  const exclude = [...(options.exclude ?? [])];
  const numCandidates = Math.min(
    10_000,
    Math.max(options.numCandidates ?? Math.max(20 * k, 100), k),
  );
  const filter: Document = exclude.length
    ? { $and: [{ model: { $eq: model } }, { movieId: { $nin: exclude } }] }
    : { model: { $eq: model } };
  return [
    {
      $vectorSearch: {
        index: options.index ?? VECTOR_INDEX_NAME,
        path: "vector",
        // A BSON float32 vector is smaller than a double array and exact.
        queryVector: Binary.fromFloat32Array(queryVector),
        numCandidates,
        limit: k,
        filter,
      },
    },
    {
      $project: {
        _id: 0,
        movieId: 1,
        score: {
          $subtract: [{ $multiply: [{ $meta: "vectorSearchScore" }, 2] }, 1],
        },
      },
    },
  ];
}

/**
 * Atlas Vector Search as the store's `VectorSearchCapability`, over the
 * `embeddings` collection of `db`. A server without `$vectorSearch`
 * (FerretDB, a self-hosted mongod) answers each search with its error.
 *
 * @example
 * const search = mongoVectorSearch(db);
 * await search.nearest("minilm", profile, { k: 20, exclude: seen });
 */
export function mongoVectorSearch(db: Db): VectorSearchCapability {
  const embeddings = db.collection(EMBEDDINGS_COLLECTION);
  const nearest = async (
    model: string,
    query: Float32Array,
    options: NearestOptions,
  ): Promise<ScoredMovie[]> => {
    const docs = await embeddings
      .aggregate(
        vectorSearchPipeline(model, query, {
          k: options.k,
          exclude: options.exclude,
          numCandidates: options.numCandidates,
        }),
      )
      .toArray();
    return docs.map(scoredMovieFromDocument);
  };
  return {
    nearest,
    async similar(model, movieId, options): Promise<ScoredMovie[]> {
      const row = await embeddings.findOne(
        { model, movieId },
        { projection: { _id: 0, vector: 1 } },
      );
      if (!row) return [];
      return nearest(model, vectorFromDocument(row.vector), {
        ...options,
        exclude: [movieId, ...(options.exclude ?? [])],
      });
    },
    async vectors(model, movieIds): Promise<EmbeddingMatrix> {
      const packer = new EmbeddingMatrixPacker(model, movieIds.length);
      if (movieIds.length > 0) {
        const docs = embeddings.find(
          { model, movieId: { $in: [...movieIds] } },
          { projection: { _id: 0, movieId: 1, vector: 1 } },
        );
        for await (const doc of docs) {
          packer.add(Number(doc.movieId), vectorFromDocument(doc.vector));
        }
      }
      return packer.finish() ??
        { ids: new Int32Array(0), dim: 0, vectors: new Float32Array(0) };
    },
  };
}

/** Reads a stored vector (BSON float32 vector) as a Float32Array. */
export function vectorFromDocument(value: unknown): Float32Array {
  if (
    value instanceof Binary && value.sub_type === Binary.SUBTYPE_VECTOR &&
    value.buffer[0] === Binary.VECTOR_TYPE.Float32
  ) {
    return value.toFloat32Array();
  }
  throw new TypeError(
    `Expected embeddings.vector to be a BSON float32 vector (Binary subtype 9), found ${
      describe(
        value,
      )
    }`,
  );
}

function scoredMovieFromDocument(doc: Document): ScoredMovie {
  if (typeof doc.movieId !== "number" || typeof doc.score !== "number") {
    throw new TypeError(
      `Expected $vectorSearch results {movieId: number, score: number}, found ${
        JSON.stringify(doc)
      }`,
    );
  }
  return { movieId: doc.movieId, score: doc.score };
}

function describe(value: unknown): string {
  if (value instanceof Binary) return `Binary subtype ${value.sub_type}`;
  return value === null ? "null" : typeof value;
}

/** The part of a collection that manages Atlas Search indexes. */
export type SearchIndexCollection = {
  listSearchIndexes(name: string): { toArray(): Promise<Document[]> };
  createSearchIndex(
    description: { name: string; type: string; definition: Document },
  ): Promise<string>;
  updateSearchIndex(name: string, definition: Document): Promise<void>;
};

/** What `ensureVectorSearchIndex` did. */
export type IndexAction = "created" | "updated" | "unchanged";

/**
 * Creates the vector index, or updates it when its definition differs
 * (e.g. a new model width); running it twice changes nothing. Atlas builds
 * the index asynchronously: it is queryable a minute or so later.
 */
export async function ensureVectorSearchIndex(
  collection: SearchIndexCollection,
  definition: VectorSearchIndexDefinition,
): Promise<IndexAction> {
  const name = VECTOR_INDEX_NAME;
  const [existing] = await collection.listSearchIndexes(name).toArray();
  if (!existing) {
    await collection.createSearchIndex({
      name,
      type: "vectorSearch",
      definition: { ...definition },
    });
    return "created";
  }
  // Atlas reports the definition being built as latestDefinition.
  const current = existing.latestDefinition ?? existing.definition;
  if (sameDefinition(current, definition)) return "unchanged";
  await collection.updateSearchIndex(name, { ...definition });
  return "updated";
}

function sameDefinition(
  current: unknown,
  wanted: VectorSearchIndexDefinition,
): boolean {
  const fields = (current as { fields?: Document[] } | undefined)?.fields;
  if (!Array.isArray(fields) || fields.length !== wanted.fields.length) {
    return false;
  }
  const key = (f: Document) => JSON.stringify(Object.entries(f).sort());
  const have = new Set(fields.map(key));
  return wanted.fields.every((f) => have.has(key(f)));
}
