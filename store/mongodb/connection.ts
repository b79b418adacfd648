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
  type Filter,
  type IndexDescription,
  MongoBulkWriteError,
  MongoServerError,
  type OptionalUnlessRequiredId,
  type UpdateFilter,
} from "mongodb";
import {
  duplicateKeyRetries,
  type InteractionDoc,
  interactionKey,
  type MovieDoc,
  movieIndexes,
} from "./query.ts";
import { createFifoLock } from "../fifo_lock.ts";

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
  /** Best first; two parallel arrays. */
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
  /** The blob's key, so that orphans of a key can be found. */
  key: string;
  version: string;
  index: number;
  /** When written: orphans are swept only once they are old enough. */
  writtenAt: Date;
  data: Binary;
}

/** Every collection of the store. */
export interface Collections {
  movies: Collection<MovieDoc>;
  /** Journal of movie rewrites in progress (store/mongodb/movie_rewrite.ts). */
  movieRewrites: Collection<MovieDoc>;
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
    movieRewrites: db.collection<MovieDoc>("movie_rewrites"),
    embeddings: db.collection<EmbeddingDoc>("embeddings"),
    interactions: db.collection<InteractionDoc>("interactions"),
    neighbours: db.collection<NeighbourDoc>("neighbours"),
    meta: db.collection<MetaDoc>("meta"),
    blobs: db.collection<BlobDoc>("blobs"),
    blobParts: db.collection<BlobPartDoc>("blob_parts"),
  };
}

/** One index of a collection: its keys, name and options. */
type IndexSpec = IndexDescription & { name: string };

/**
 * Creates the indexes of `specs` that `collection` lacks, one per command.
 * Asking again for indexes that exist is harmless on MongoDB, but FerretDB
 * 1.24 drops the connection (a server panic) when one `createIndexes` names
 * several that exist, which every reopen of a store did.
 */
async function ensureIndexes<T extends Document>(
  collection: Collection<T>,
  specs: IndexSpec[],
): Promise<void> {
  const listed = await collection.listIndexes().toArray().catch((error) => {
    // NamespaceNotFound: the collection does not exist yet
    if (error instanceof MongoServerError && error.code === 26) return [];
    throw error;
  });
  const existing = new Set(listed.map((index) => index.name));
  for (const spec of specs) {
    if (!existing.has(spec.name)) await collection.createIndexes([spec]);
  }
}

/** Creates the indexes the store relies on when missing (idempotent). */
export async function createIndexes(c: Collections): Promise<void> {
  // Sort indexes: each also serves the reverse order (asc reverses every key).
  await ensureIndexes(c.movies, movieIndexes);
  await ensureIndexes(c.embeddings, [
    { key: { model: 1, movieId: 1 }, name: "model_movie", unique: true },
  ]);
  await ensureIndexes(c.interactions, [
    { key: interactionKey, name: "user_movie_type", unique: true },
    { key: { userId: 1, timestamp: -1 }, name: "user_time" },
  ]);
  await ensureIndexes(c.blobParts, [
    { key: { version: 1, index: 1 }, name: "version_index", unique: true },
    { key: { key: 1, writtenAt: 1 }, name: "key_written" },
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

/** One row of `MongoConnection.upsert`. */
export interface Upsert<T extends Document> {
  /** The whole document, inserted when its key is new. */
  insert: OptionalUnlessRequiredId<T>;
  /** The document with that key, and how to change it when it exists. */
  filter: Filter<T>;
  update: UpdateFilter<T>;
}

/** The positions of the failed writes of a bulk write error. */
function failedWrites(error: MongoBulkWriteError) {
  return Array.isArray(error.writeErrors)
    ? error.writeErrors
    : [error.writeErrors];
}

/** What a section of the MongoDB store (movies.ts, meta.ts, …) runs with. */
export interface MongoConnection {
  readonly c: Collections;
  /**
   * True when keyed updates scan the collection (FerretDB 1.24): then
   * writers that can rewrite documents in bulk do (movie_rewrite.ts).
   */
  readonly keyedUpdatesScan: boolean;
  /**
   * True when `$group` finds each row's group by a linear search over the
   * groups (FerretDB 1.24): grouping n rows into n groups is n² compares.
   */
  readonly slowGroups: boolean;
  /** Driver options with the session of the caller's transaction, if any. */
  withSession<T extends object>(options: T): T & { session?: ClientSession };
  /** True inside `transaction(work)`. */
  inTransaction(): boolean;
  /**
   * Runs one write command: one at a time per store when `serialWrites`
   * was asked for (FerretDB), at once otherwise.
   */
  write<T>(command: () => Promise<T>): Promise<T>;
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
   * Inserts or updates by key, inserts first: the rows whose key is new land
   * in one `insertMany` per chunk, and only those that already exist (a
   * duplicate key) are sent again as updates. A first load is then one
   * insert per row instead of one keyed lookup per row, which matters most
   * on FerretDB 1.24, where every lookup other than an insert's unique-key
   * check scans the collection. Inside a transaction, plain upserts (a
   * duplicate key error would abort it).
   */
  upsert<T extends Document>(
    collection: Collection<T>,
    rows: Upsert<T>[],
  ): Promise<void>;
  /**
   * Two reads at once; one after the other inside a transaction, since
   * parallel operations cannot share its session.
   */
  both<A, B>(a: () => Promise<A>, b: () => Promise<B>): Promise<[A, B]>;
}

/** Options of `mongoConnection`. */
export interface MongoConnectionOptions {
  /** Operations per `bulkWrite` or `insertMany` call. */
  bulkChunkSize: number;
  /**
   * Send one write command at a time. FerretDB 1.24 on SQLite stalls when
   * many write commands overlap (SQLite has one writer; a handful of
   * concurrent upserts left it waiting for minutes, measured); MongoDB
   * needs no such care.
   */
  serialWrites: boolean;
  /** See `MongoConnection.keyedUpdatesScan`. */
  keyedUpdatesScan: boolean;
  /** See `MongoConnection.slowGroups`. */
  slowGroups: boolean;
}

/** The shared state of one store over collections `c`. */
export function mongoConnection(
  c: Collections,
  options: MongoConnectionOptions,
): MongoConnection {
  const { bulkChunkSize, serialWrites, keyedUpdatesScan, slowGroups } = options;
  const lockWrites = createFifoLock();
  const write = async <T>(command: () => Promise<T>): Promise<T> => {
    if (!serialWrites) return await command();
    const release = await lockWrites();
    try {
      return await command();
    } finally {
      release();
    }
  };
  // The session of the transaction the caller is in, so that every store
  // call inside `transaction(work)` joins it without passing it around.
  // Calls inside `work` must run one after the other: the driver does not
  // support parallel operations on one transaction's session.
  const sessions = new AsyncLocalStorage<ClientSession>();
  const withSession = <T extends object>(options: T) => {
    const session = sessions.getStore();
    return session ? { ...options, session } : options;
  };

  const connection: MongoConnection = {
    c,
    keyedUpdatesScan,
    slowGroups,
    withSession,
    inTransaction: () => sessions.getStore() !== undefined,
    write,
    runInSession: (session, work) => sessions.run(session, work),
    async upsert(collection, rows): Promise<void> {
      const asUpdate = <T extends Document>(row: Upsert<T>) => ({
        updateOne: { filter: row.filter, update: row.update, upsert: true },
      });
      if (sessions.getStore()) {
        return await connection.bulk(collection, rows.map(asUpdate));
      }
      for (const chunk of chunks(rows, bulkChunkSize)) {
        try {
          await write(() =>
            collection.insertMany(chunk.map((row) => row.insert), {
              ordered: false,
            })
          );
        } catch (error) {
          if (!(error instanceof MongoBulkWriteError)) throw error;
          const existing = duplicateKeyRetries(failedWrites(error), chunk);
          if (!existing) throw error;
          await connection.bulk(collection, existing.map(asUpdate));
        }
      }
    },
    async bulk(collection, ops): Promise<void> {
      for (const chunk of chunks(ops, bulkChunkSize)) {
        let pending = chunk;
        for (let attempt = 1; pending.length > 0; attempt++) {
          try {
            await write(() =>
              collection.bulkWrite(pending, withSession({ ordered: false }))
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
            const retry = duplicateKeyRetries(failedWrites(error), pending);
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
  return connection;
}
