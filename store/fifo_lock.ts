/**
 * A first-in, first-out lock for async work, used by both store adapters:
 * SQLite serialises its transactions with it, MongoDB its writes to servers
 * that need them one at a time (FerretDB).
 * @module
 */

/**
 * A FIFO lock: each call of the returned `acquire()` resolves, in call
 * order, with the function that releases it.
 *
 * @example
 * const acquire = createFifoLock();
 * const release = await acquire();
 * try { await work(); } finally { release(); }
 */
export function createFifoLock(): () => Promise<() => void> {
  let tail: Promise<void> = Promise.resolve();
  return async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const previous = tail;
    tail = previous.then(() => held);
    await previous;
    return release;
  };
}
