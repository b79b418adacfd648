/**
 * The one `node:sqlite` connection every section of the SQLite store shares:
 * prepared statements, the gate that keeps callers outside a running
 * transaction out of it, atomic write batches, read snapshots and nested
 * transactions (savepoints). `node:sqlite` is synchronous: each store call
 * runs its statements in one synchronous block.
 *
 * SQLite's own busy wait would block the event loop (the whole server) for
 * as long as another process holds the write lock, so the connection never
 * uses it (`busy_timeout` 0): a call that finds the lock taken waits
 * asynchronously and tries again (`whenUnlocked`), and gives up with
 * `StoreBusyError` after `busyTimeoutMs`.
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import { StoreBusyError } from "../errors.ts";
import { createFifoLock } from "../fifo_lock.ts";

/** What a section of the SQLite store (movies.ts, meta.ts, …) runs SQL with. */
export interface SqliteConnection {
  /** Every row of a query. */
  all<T>(text: string, ...params: SQLInputValue[]): T[];
  /** The first row of a query, or undefined. */
  one<T>(text: string, ...params: SQLInputValue[]): T | undefined;
  /** Rows one at a time, never all held at once. */
  iterate<T>(text: string, ...params: SQLInputValue[]): Iterable<T>;
  /** Runs a statement; returns how many rows it changed. */
  run(text: string, ...params: SQLInputValue[]): number;
  /**
   * Waits while a transaction started elsewhere is open, so that a call from
   * outside never joins it; throws once the store is closed. Every store
   * call starts here (`write` and `read` do it for you).
   */
  gate(): Promise<void>;
  /**
   * Runs synchronous writes atomically: their own transaction, or a
   * savepoint inside the caller's. Every write of the store goes through
   * here.
   */
  write<T>(work: () => T): Promise<T>;
  /** Runs synchronous reads (after `gate`). */
  read<T>(work: () => T): Promise<T>;
  /** Runs synchronous reads that must all see one snapshot. */
  snapshot<T>(work: () => T): Promise<T>;
  /** `Store.transaction`: nested calls are savepoints. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /** Waits for the open transaction, then closes; closing twice is harmless. */
  close(): Promise<void>;
}

/** One open transaction level; nested levels are savepoints. */
interface TransactionFrame {
  depth: number;
  /** Serialises the nested transactions started inside this level. */
  lockChild: () => Promise<() => void>;
}

/** Options of `sqliteConnection`. */
export interface SqliteConnectionOptions {
  /** How long a call waits for another process's lock, in ms (default 5000). */
  busyTimeoutMs?: number;
}

/** Thrown by an attempt that found the lock taken before doing anything. */
class LockTaken extends Error {}

/** SQLITE_BUSY: another connection holds the lock this statement needs. */
function isBusy(error: unknown): boolean {
  return error instanceof Error && /database is locked/.test(error.message);
}

/** Runs `step`, turning SQLITE_BUSY into `LockTaken` (safe to retry). */
function orLockTaken<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    throw isBusy(error) ? new LockTaken() : error;
  }
}

/**
 * Runs `attempt` until it does not throw `LockTaken`, sleeping 1, 2, 4 … up
 * to 25 ms between tries (the event loop stays free), for at most
 * `timeoutMs`; then throws `StoreBusyError`.
 */
async function whenUnlocked<T>(
  timeoutMs: number,
  attempt: () => T | Promise<T>,
): Promise<T> {
  const started = performance.now();
  for (let pause = 1;; pause = Math.min(pause * 2, 25)) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof LockTaken)) throw error;
      const waited = performance.now() - started;
      if (waited + pause > timeoutMs) throw new StoreBusyError(waited);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/** Wraps an open database; the connection owns it from now on. */
export function sqliteConnection(
  db: DatabaseSync,
  options: SqliteConnectionOptions = {},
): SqliteConnection {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  // SQLite's busy handler sleeps inside the call, blocking the event loop
  db.exec("PRAGMA busy_timeout = 0");
  const statements = new Map<string, StatementSync>();
  /** Prepares once per SQL text (dynamic queries have few shapes). */
  const sql = (text: string): StatementSync => {
    let statement = statements.get(text);
    if (!statement) {
      statement = db.prepare(text);
      statements.set(text, statement);
    }
    return statement;
  };

  // One connection is shared by every caller, so while `transaction()` awaits
  // its work, calls from outside it wait (`gate`) instead of joining it.
  const context = new AsyncLocalStorage<TransactionFrame>();
  const lockTopLevel = createFifoLock();
  let active: Promise<void> | null = null;
  let closed = false;

  const gate = async (): Promise<void> => {
    if (closed) throw new Error("SQLite store is closed");
    if (context.getStore()) return;
    while (active) await active;
  };

  /** Takes the write lock, or throws `LockTaken` with nothing begun. */
  const begin = () => orLockTaken(() => db.exec("BEGIN IMMEDIATE"));

  const batch = <T>(work: () => T): T => {
    const nested = db.isTransaction;
    if (nested) db.exec("SAVEPOINT batch");
    else begin();
    try {
      const result = work();
      db.exec(nested ? "RELEASE batch" : "COMMIT");
      return result;
    } catch (error) {
      if (nested) {
        db.exec("ROLLBACK TO batch");
        db.exec("RELEASE batch");
      } else if (db.isTransaction) {
        db.exec("ROLLBACK");
      }
      throw error;
    }
  };

  const snapshot = <T>(work: () => T): T => {
    if (db.isTransaction) return work();
    orLockTaken(() => db.exec("BEGIN"));
    try {
      return work();
    } finally {
      db.exec("COMMIT");
    }
  };

  /** A savepoint inside the caller's transaction, one sibling at a time. */
  const nestedTransaction = async <T>(
    parent: TransactionFrame,
    work: () => Promise<T>,
  ): Promise<T> => {
    const release = await parent.lockChild();
    const name = `level_${parent.depth + 1}`;
    db.exec(`SAVEPOINT ${name}`);
    try {
      const result = await context.run(
        { depth: parent.depth + 1, lockChild: createFifoLock() },
        work,
      );
      db.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      db.exec(`ROLLBACK TO ${name}`);
      db.exec(`RELEASE ${name}`);
      throw error;
    } finally {
      release();
    }
  };

  const transaction = async <T>(work: () => Promise<T>): Promise<T> => {
    const parent = context.getStore();
    if (parent) return await nestedTransaction(parent, work);
    const release = await lockTopLevel();
    let finished!: () => void;
    active = new Promise((resolve) => (finished = resolve));
    try {
      if (closed) throw new Error("SQLite store is closed");
      // `active` keeps other callers out while this waits for the lock
      await whenUnlocked(busyTimeoutMs, begin);
      try {
        const result = await context.run(
          { depth: 0, lockChild: createFifoLock() },
          work,
        );
        db.exec("COMMIT");
        return result;
      } catch (error) {
        if (db.isTransaction) db.exec("ROLLBACK");
        throw error;
      }
    } finally {
      active = null;
      finished();
      release();
    }
  };

  return {
    all: <T>(text: string, ...params: SQLInputValue[]) =>
      sql(text).all(...params) as unknown as T[],
    one: <T>(text: string, ...params: SQLInputValue[]) =>
      sql(text).get(...params) as unknown as T | undefined,
    iterate: <T>(text: string, ...params: SQLInputValue[]) =>
      sql(text).iterate(...params) as unknown as Iterable<T>,
    run: (text: string, ...params: SQLInputValue[]) =>
      Number(sql(text).run(...params).changes),
    gate,
    // Each attempt passes the gate again: a transaction may have begun
    // while this one slept, and the attempt must not join it.
    write: <T>(work: () => T): Promise<T> =>
      whenUnlocked(busyTimeoutMs, async () => {
        await gate();
        return batch(work);
      }),
    // Reads in WAL mode are not blocked by a writer; SQLITE_BUSY here is
    // rare (WAL recovery), and a read is safe to run again.
    read: <T>(work: () => T): Promise<T> =>
      whenUnlocked(busyTimeoutMs, async () => {
        await gate();
        return orLockTaken(work);
      }),
    snapshot: <T>(work: () => T): Promise<T> =>
      whenUnlocked(busyTimeoutMs, async () => {
        await gate();
        return snapshot(work);
      }),
    transaction,
    async close(): Promise<void> {
      if (closed) return;
      await gate();
      closed = true;
      db.close();
    },
  };
}
