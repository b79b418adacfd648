/**
 * SQLite adapter (`node:sqlite`): one file, WAL mode, so the API reads while
 * the pipeline writes. One file per section of the `Store` contract
 * (movies.ts, embeddings.ts, interactions.ts, neighbours.ts, meta.ts), all
 * over one connection (connection.ts) that runs each batch in one
 * transaction.
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import type { Store } from "../types.ts";
import { sqliteConnection } from "./connection.ts";
import { sqliteEmbeddings } from "./embeddings.ts";
import { sqliteInteractions } from "./interactions.ts";
import { sqliteMeta } from "./meta.ts";
import { sqliteMovies } from "./movies.ts";
import { sqliteNeighbours } from "./neighbours.ts";
import { prepareDatabase } from "./schema.ts";

/** Options of `openSqliteStore`. */
export interface SqliteStoreOptions {
  /**
   * How long a call waits for another process's lock, in ms (default 5000).
   * The wait never blocks the event loop (connection.ts), except while
   * opening (schema setup).
   */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating when needed) the SQLite store at `path`. The folder must
 * exist.
 *
 * @example
 * const store = await openSqliteStore(`${config.dataDir}/movielens.db`);
 * await store.movies.count();
 * await store.close();
 */
export function openSqliteStore(
  path: string,
  options: SqliteStoreOptions = {},
): Promise<Store> {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const database = new DatabaseSync(path);
  try {
    prepareDatabase(database, busyTimeoutMs);
  } catch (error) {
    database.close();
    throw error;
  }
  const db = sqliteConnection(database, { busyTimeoutMs });
  return Promise.resolve({
    kind: "sqlite",
    movies: sqliteMovies(db),
    embeddings: sqliteEmbeddings(db),
    interactions: sqliteInteractions(db),
    neighbours: sqliteNeighbours(db),
    meta: sqliteMeta(db),
    transaction: db.transaction,
    ping: () => db.read(() => void db.one("SELECT 1")),
    close: db.close,
  });
}
