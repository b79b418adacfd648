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
 * server when MONGODB_URI is set (a fresh database per test, dropped after);
 * .ci/run starts FerretDB 1.24.2 on SQLite for it. The tests that need
 * multi-document transactions run where the server has them (replica sets,
 * sharded clusters: every Atlas tier) and are marked, with the reason,
 * elsewhere; without them the store keeps the guarantees of
 * transactions.ts, checked by tests/mongodb_crash_test.ts. Where FerretDB
 * differs from Atlas in a way the adapter relies on, the code says so and
 * docs/DEPLOY.md lists it.
 *
 * Atlas M0 (free tier): 512 MB of storage in all. The MovieLens small set
 * (movies, 100k interactions, one 384-d embedding model, neighbours) needs
 * a few tens of MB; model blobs are the large items, and a blob whose
 * setBlob was interrupted (or lost a race) leaves its parts orphaned in
 * `blob_parts` until the next setBlob of its key, an hour later or more,
 * sweeps them. M0 also caps Atlas Search and Vector Search at 3 indexes per
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
import { replayMovieRewrites } from "./movie_rewrite.ts";
import { mongoMovies } from "./movies.ts";
import { mongoNeighbours } from "./neighbours.ts";
import { mongoTransaction, probeTransactions } from "./transactions.ts";
import { mongoVectorSearch } from "./vector_search.ts";

/** Options of `openMongoStore`. */
export interface MongoStoreOptions {
  /** Passed to `MongoClient` (timeouts, TLS, app name). */
  client?: MongoClientOptions;
  /** Operations per `bulkWrite` call (default 1000). */
  bulkChunkSize?: number;
  /**
   * How old blob parts that no head names (left by a crashed `setBlob`) must
   * be before the next `setBlob` of their key deletes them; default 1 hour.
   */
  blobOrphanGraceMs?: number;
  /**
   * Whether to take FerretDB's slower-but-feasible paths (serial writes,
   * bulk rewrites, genres counted here); default: when `buildInfo` names
   * FerretDB. Tests turn them off to run MongoDB's paths on FerretDB.
   */
  ferretdbPaths?: boolean;
}

/** A MongoDB `Store`, which also says whether `transaction()` is atomic. */
export interface MongoStore extends Store {
  readonly kind: "mongodb";
  /**
   * True when the server ran a probe transaction at connect (replica sets
   * and sharded clusters: Atlas); false on a standalone mongod or FerretDB.
   */
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
    const supportsTransactions = await probeTransactions(client, db);
    const collections = collectionsOf(db);
    await createIndexes(collections);
    const info = await db.command({ buildInfo: 1 });
    const ferretdb = options.ferretdbPaths ??
      typeof info.ferretdbVersion === "string";
    const connection = mongoConnection(collections, {
      bulkChunkSize: options.bulkChunkSize ?? 1000,
      serialWrites: ferretdb,
      // FerretDB 1.24 on SQLite pushes down only `{_id: <string>}` filters.
      keyedUpdatesScan: ferretdb,
      // ... and its `$group` searches its groups linearly for every row.
      slowGroups: ferretdb,
    });
    await replayMovieRewrites(connection);
    return assemble(client, {
      db,
      connection,
      supportsTransactions,
      orphanGraceMs: options.blobOrphanGraceMs ?? 3_600_000,
    });
  } catch (error) {
    await client.close();
    throw error;
  }
}

function assemble(
  client: MongoClient,
  parts: {
    db: Db;
    connection: MongoConnection;
    supportsTransactions: boolean;
    orphanGraceMs: number;
  },
): MongoStore {
  const { db, connection, supportsTransactions, orphanGraceMs } = parts;
  return {
    kind: "mongodb",
    supportsTransactions,
    movies: mongoMovies(connection),
    embeddings: mongoEmbeddings(connection),
    interactions: mongoInteractions(connection),
    neighbours: mongoNeighbours(connection),
    meta: mongoMeta(connection, { orphanGraceMs }),
    vectorSearch: mongoVectorSearch(db),
    transaction: mongoTransaction(client, {
      connection,
      supported: supportsTransactions,
    }),
    async ping(): Promise<void> {
      await client.db("admin").command({ ping: 1 });
    },
    async close(): Promise<void> {
      await client.close();
    },
  };
}
