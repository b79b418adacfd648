/**
 * What every section of the MongoDB store shares: the collections and their
 * documents, the indexes created at connect, the session of the transaction
 * a caller is in, and chunked bulk writes that retry a lost upsert race.
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import {
  type AnyBulkWriteOperation,
  type Binary,
  type ClientSession,
  type Collection,
  type Db,
  type Document,
  MongoBulkWriteError,
} from "mongodb";
import {
  duplicateKeyRetries,
  type InteractionDoc,
  interactionKey,
  type MovieDoc,
  movieIndexes,
} from "./query.ts";

/** An embedding as stored in the `embeddings` collection. */
export interface EmbeddingDoc {
  model: string;
  movieId: number;
  textHash: string;
  /** BSON vector (subtype 9) of float32, as Atlas Vector Search expects. */
  vector: Binary;
}

/** A movie's neighbour list as stored in the `neighbours` collection. */
export interface NeighbourDoc {
  _id: number;
  /** Best first; two parallel arrays so that `$slice` can cut both. */
  movieIds: number[];
  scores: number[];
}

/** A text value of the `meta` collection. */
export interface MetaDoc {
  _id: string;
  value: string;
}

/** A blob's head: the bytes inline, or the number of parts of `version`. */
export interface BlobDoc {
  _id: string;
  version: string;
  size: number;
  parts: number;
  data?: Binary;
}

/** One part of a blob too large for one document. */
export interface BlobPartDoc {
  version: string;
  index: number;
  data: Binary;
}

/** Every collection of the store. */
export interface Collections {
  movies: Collection<MovieDoc>;
  embeddings: Collection<EmbeddingDoc>;
  interactions: Collection<InteractionDoc>;
  neighbours: Collection<NeighbourDoc>;
  meta: Collection<MetaDoc>;
  blobs: Collection<BlobDoc>;
  blobParts: Collection<BlobPartDoc>;
}

/** The collections of database `db`. */
export function collectionsOf(db: Db): Collections {
  return {
    movies: db.collection<MovieDoc>("movies"),
    embeddings: db.collection<EmbeddingDoc>("embeddings"),
    interactions: db.collection<InteractionDoc>("interactions"),
    neighbours: db.collection<NeighbourDoc>("neighbours"),
    meta: db.collection<MetaDoc>("meta"),
    blobs: db.collection<BlobDoc>("blobs"),
    blobParts: db.collection<BlobPartDoc>("blob_parts"),
  };
}

/** Creates the indexes the store relies on when missing (idempotent). */
export async function createIndexes(c: Collections): Promise<void> {
  // Sort indexes: each also serves the reverse order (asc reverses every key).
  await Promise.all([
    c.movies.createIndexes(movieIndexes),
    c.embeddings.createIndexes([
      { key: { model: 1, movieId: 1 }, name: "model_movie", unique: true },
    ]),
    c.interactions.createIndexes([
      { key: interactionKey, name: "user_movie_type", unique: true },
      { key: { userId: 1, timestamp: -1 }, name: "user_time" },
    ]),
    c.blobParts.createIndexes([
      { key: { version: 1, index: 1 }, name: "version_index", unique: true },
    ]),
  ]);
}

/** Splits `items` into runs of at most `size`. */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

/** What a section of the MongoDB store (movies.ts, meta.ts, …) runs with. */
export interface MongoConnection {
  readonly c: Collections;
  /** Driver options with the session of the caller's transaction, if any. */
  withSession<T extends object>(options: T): T & { session?: ClientSession };
  /** True inside `transaction(work)`. */
  inTransaction(): boolean;
  /** Runs `work` with `session` joined by every store call inside it. */
  runInSession<T>(session: ClientSession, work: () => Promise<T>): Promise<T>;
  /**
   * Unordered bulk writes in chunks. Two concurrent upserts of a new key can
   * both try to insert it; the loser gets a duplicate key error and is
   * retried (it then updates the winner's document). Not inside a
   * transaction: a write error aborts it on the server, and only
   * `withTransaction` may retry (it cannot tell an aborted transaction when
   * the callback swallows the error).
   */
  bulk<T extends Document>(
    collection: Collection<T>,
    ops: AnyBulkWriteOperation<T>[],
  ): Promise<void>;
  /**
   * Two reads at once; one after the other inside a transaction, since
   * parallel operations cannot share its session.
   */
  both<A, B>(a: () => Promise<A>, b: () => Promise<B>): Promise<[A, B]>;
}

/** The shared state of one store over collections `c`. */
export function mongoConnection(
  c: Collections,
  bulkChunkSize: number,
): MongoConnection {
  // The session of the transaction the caller is in, so that every store
  // call inside `transaction(work)` joins it without passing it around.
  // Calls inside `work` must run one after the other: the driver does not
  // support parallel operations on one transaction's session.
  const sessions = new AsyncLocalStorage<ClientSession>();
  const withSession = <T extends object>(options: T) => {
    const session = sessions.getStore();
    return session ? { ...options, session } : options;
  };

  return {
    c,
    withSession,
    inTransaction: () => sessions.getStore() !== undefined,
    runInSession: (session, work) => sessions.run(session, work),
    async bulk(collection, ops): Promise<void> {
      for (const chunk of chunks(ops, bulkChunkSize)) {
        let pending = chunk;
        for (let attempt = 1; pending.length > 0; attempt++) {
          try {
            await collection.bulkWrite(
              pending,
              withSession({ ordered: false }),
            );
            pending = [];
          } catch (error) {
            if (
              !(error instanceof MongoBulkWriteError) || attempt >= 3 ||
              sessions.getStore()
            ) {
              throw error;
            }
            // A network or write concern error is a MongoBulkWriteError with
            // no write errors: it must be thrown, not taken for success.
            const retry = duplicateKeyRetries(
              Array.isArray(error.writeErrors)
                ? error.writeErrors
                : [error.writeErrors],
              pending,
            );
            if (!retry) throw error;
            pending = retry;
          }
        }
      }
    },
    async both(a, b) {
      return sessions.getStore()
        ? [await a(), await b()]
        : await Promise.all([a(), b()]);
    },
  };
}
