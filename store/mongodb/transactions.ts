/**
 * Multi-document transactions where the server has them (a replica set or a
 * sharded cluster: every Atlas tier), detected once at connect; elsewhere
 * (a standalone mongod, FerretDB 1.24) `transaction(work)` runs `work`
 * directly, and the store keeps the guarantees each write makes on its own
 * (docs/DEPLOY.md, "MongoDB without transactions").
 * @module
 */
import { type Db, type MongoClient, MongoServerError } from "mongodb";
import type { Store } from "../types.ts";
import type { MongoConnection } from "./connection.ts";

/**
 * Server codes that mean "no transactions here": IllegalOperation (a
 * standalone mongod), CommandNotFound (FerretDB 1.24 has no
 * `commitTransaction`), NotImplemented, OperationNotSupportedInTransaction.
 */
const noTransactionCodes = new Set([20, 59, 238, 263]);

/**
 * Whether the server runs multi-document transactions, by running one: a
 * read of one document, committed. `hello` alone is not enough: FerretDB
 * can claim a replica set name, and accepts a transaction's reads without
 * error, failing only at commit. Other errors (network, auth) are thrown.
 */
export async function probeTransactions(
  client: MongoClient,
  db: Db,
): Promise<boolean> {
  const session = client.startSession();
  try {
    await session.withTransaction(async () => {
      await db.collection("meta").findOne(
        { _id: "transaction probe" as never },
        {
          session,
        },
      );
    });
    return true;
  } catch (error) {
    if (
      error instanceof MongoServerError &&
      noTransactionCodes.has(Number(error.code))
    ) {
      return false;
    }
    throw error;
  } finally {
    await session.endSession();
  }
}

/** `Store.transaction` over `connection`; atomic only when `supported`. */
export function mongoTransaction(
  client: MongoClient,
  options: { connection: MongoConnection; supported: boolean },
): Store["transaction"] {
  const { connection, supported } = options;
  return async <T>(work: () => Promise<T>): Promise<T> => {
    // Nested calls join the outer transaction (MongoDB has no savepoints);
    // without support there is no transaction to join.
    if (connection.inTransaction() || !supported) return await work();
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
  };
}
