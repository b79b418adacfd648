/**
 * MongoDB adapter (`mongodb` driver), for Atlas deployments. It mirrors the
 * SQLite adapter behaviour for behaviour; both pass
 * `store/contract_test_suite.ts`. One file per section of the `Store`
 * contract (movies.ts, embeddings.ts, interactions.ts, neighbours.ts,
 * meta.ts), sharing the collections, sessions and bulk writes of
 * connection.ts; Atlas Vector Search (vector_search.ts) is the store's
 * `vectorSearch` capability.
 *
 * Contract suite: `mongodb_test.ts` runs every contract test against a real
 * server when MONGODB_URI is set (a fresh database per test, dropped after).
 * The rollback test runs only when the deployment supports transactions (a
 * replica set or sharded cluster, as every Atlas tier is); on a standalone
 * server `transaction()` runs the work directly and it is skipped.
 *
 * Atlas M0 (free tier): 512 MB of storage in all. The MovieLens small set
 * (movies, 100k interactions, one 384-d embedding model, neighbours) needs
 * a few tens of MB; model blobs are the large items, and a blob whose
 * setBlob was interrupted (or lost a race) leaves its parts orphaned in
 * `blob_parts`. M0 also caps Atlas Search and Vector Search at 3 indexes per
 * cluster (store/mongodb/vector_search.ts uses one).
 * @module
 */
import { type Db, MongoClient, type MongoClientOptions } from "mongodb";
import type { Store } from "../types.ts";
import {
  collectionsOf,
  createIndexes,
  type MongoConnection,
  mongoConnection,
} from "./connection.ts";
import { mongoEmbeddings } from "./embeddings.ts";
import { mongoInteractions } from "./interactions.ts";
import { mongoMeta } from "./meta.ts";
import { mongoMovies } from "./movies.ts";
import { mongoNeighbours } from "./neighbours.ts";
import { mongoVectorSearch } from "./vector_search.ts";

/** Options of `openMongoStore`. */
export interface MongoStoreOptions {
  /** Passed to `MongoClient` (timeouts, TLS, app name). */
  client?: MongoClientOptions;
  /** Operations per `bulkWrite` call (default 1000). */
  bulkChunkSize?: number;
}

/** A MongoDB `Store`, which also says whether `transaction()` is atomic. */
export interface MongoStore extends Store {
  readonly kind: "mongodb";
  /** True on replica sets and sharded clusters (Atlas); false on a standalone server. */
  readonly supportsTransactions: boolean;
}

/**
 * Connects and returns the MongoDB store for database `dbName`, creating
 * indexes when missing (idempotent).
 *
 * @example
 * const store = await openMongoStore(config.MONGODB_URI!, config.MONGODB_DB);
 * await store.movies.count();
 * await store.close();
 */
export async function openMongoStore(
  uri: string,
  dbName: string,
  options: MongoStoreOptions = {},
): Promise<MongoStore> {
  const client = new MongoClient(uri, {
    appName: "movielens-recommender",
    ...options.client,
  });
  await client.connect();
  try {
    const db = client.db(dbName);
    const hello = await db.command({ hello: 1 });
    // Transactions need a replica set (setName) or a mongos router.
    const supportsTransactions = typeof hello.setName === "string" ||
      hello.msg === "isdbgrid";
    const collections = collectionsOf(db);
    await createIndexes(collections);
    const connection = mongoConnection(
      collections,
      options.bulkChunkSize ?? 1000,
    );
    return assemble(client, db, connection, supportsTransactions);
  } catch (error) {
    await client.close();
    throw error;
  }
}

function assemble(
  client: MongoClient,
  db: Db,
  connection: MongoConnection,
  supportsTransactions: boolean,
): MongoStore {
  return {
    kind: "mongodb",
    supportsTransactions,
    movies: mongoMovies(connection),
    embeddings: mongoEmbeddings(connection),
    interactions: mongoInteractions(connection),
    neighbours: mongoNeighbours(connection),
    meta: mongoMeta(connection),
    vectorSearch: mongoVectorSearch(db),
    async transaction<T>(work: () => Promise<T>): Promise<T> {
      // Nested calls join the outer transaction (MongoDB has no savepoints);
      // without replica set there is no transaction to join.
      if (connection.inTransaction() || !supportsTransactions) {
        return await work();
      }
      const session = client.startSession();
      try {
        // withTransaction retries `work` on transient errors; store writes
        // are upserts, so a retried work lands once.
        return await session.withTransaction(
          () => connection.runInSession(session, work),
          {
            readConcern: { level: "snapshot" },
            writeConcern: { w: "majority" },
          },
        );
      } finally {
        await session.endSession();
      }
    },
    async ping(): Promise<void> {
      await client.db("admin").command({ ping: 1 });
    },
    async close(): Promise<void> {
      await client.close();
    },
  };
}
