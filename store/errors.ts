/**
 * Errors a store raises that its callers answer differently from a fault:
 * the store is busy (another process holds a lock) and the caller should
 * come back shortly.
 * @module
 */

/**
 * The store stayed locked by someone else for longer than the caller may
 * wait (SQLite: another process's write transaction). Nothing was written;
 * the API answers 503 with `Retry-After`.
 */
export class StoreBusyError extends Error {
  constructor(
    /** How long the write waited, in ms. */
    readonly waitedMs: number,
    /** When to try again, in seconds. */
    readonly retryAfterSeconds: number = 1,
  ) {
    super(
      `The store is locked by another writer; gave up after ${
        Math.round(waitedMs)
      } ms`,
    );
    this.name = "StoreBusyError";
  }
}
