/**
 * Storage: the `Store` (SQLite or MongoDB) and `ObjectStorage` (folder or
 * GCS) chosen once from config. Cloud adapters are imported on demand, so a
 * local run never loads their drivers.
 *
 * @example
 * const store = await openStore(config);
 * const objects = openObjectStorage(config);
 */
import type { Config } from "../config/mod.ts";
import { FolderObjectStorage } from "./objects/folder.ts";
import { GcsObjectStorage } from "./objects/gcs.ts";
import { openSqliteStore } from "./sqlite/mod.ts";
import type { ObjectStorage, Store } from "./types.ts";

export type * from "./types.ts";
export { FolderObjectStorage } from "./objects/folder.ts";
export { GcsObjectStorage } from "./objects/gcs.ts";
export { openSqliteStore } from "./sqlite/mod.ts";
export type { SqliteStoreOptions } from "./sqlite/mod.ts";
export type { MongoStore, MongoStoreOptions } from "./mongodb/mod.ts";

/** File name of the SQLite database inside `config.dataDir`. */
export const sqliteFileName = "movielens.db";

/**
 * Opens the configured store: MongoDB when `config.store` is "mongodb",
 * otherwise SQLite at `${config.dataDir}/movielens.db` (folder created).
 */
export async function openStore(config: Config): Promise<Store> {
  if (config.store === "mongodb") {
    if (!config.MONGODB_URI) {
      throw new Error(
        'STORE is "mongodb" but MONGODB_URI is not set: expected a connection string like mongodb+srv://user:pass@cluster.example.net',
      );
    }
    const { openMongoStore } = await import("./mongodb/mod.ts");
    return await openMongoStore(config.MONGODB_URI, config.MONGODB_DB);
  }
  await Deno.mkdir(config.dataDir, { recursive: true });
  return await openSqliteStore(`${config.dataDir}/${sqliteFileName}`, {
    busyTimeoutMs: config.SQLITE_BUSY_TIMEOUT_MS,
  });
}

/**
 * The configured object storage: the GCS bucket when `GCS_BUCKET` is set,
 * otherwise the folder `config.objectDir`.
 */
export function openObjectStorage(config: Config): ObjectStorage {
  return config.GCS_BUCKET
    ? new GcsObjectStorage(config.GCS_BUCKET, config.GCS_PREFIX)
    : new FolderObjectStorage(config.objectDir);
}
