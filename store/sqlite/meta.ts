/**
 * `MetaStore` on SQLite: text values in `meta`, binary artifacts in `blobs`
 * (one row each: SQLite has no document size limit to split around). Both
 * are key-value tables read and written alike.
 * @module
 */
import type { MetaStore } from "../types.ts";
import type { SqliteConnection } from "./connection.ts";

/** Get and set by key on a two-column (key, value) table. */
function keyValueTable<V extends string | Uint8Array>(
  db: SqliteConnection,
  table: "meta" | "blobs",
): {
  get(key: string): Promise<V | null>;
  set(key: string, value: V): Promise<void>;
} {
  return {
    get: (key) =>
      db.read(() =>
        db.one<{ value: V }>(`SELECT value FROM ${table} WHERE key = ?`, key)
          ?.value ?? null
      ),
    set: (key, value) =>
      db.write(() => {
        db.run(
          `INSERT INTO ${table} (key, value) VALUES (?, ?)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
          key,
          value,
        );
      }),
  };
}

/** The meta section of the SQLite store. */
export function sqliteMeta(db: SqliteConnection): MetaStore {
  const values = keyValueTable<string>(db, "meta");
  const blobs = keyValueTable<Uint8Array>(db, "blobs");
  return {
    get: values.get,
    set: values.set,
    getBlob: blobs.get,
    setBlob: blobs.set,
  };
}
