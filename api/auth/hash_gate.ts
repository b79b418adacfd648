/**
 * At most N password hashes at once. PBKDF2 at 600,000 iterations costs
 * about 0.2 s of CPU: a burst of log-ins would otherwise take every core
 * from the requests that need none. A few more wait their turn; beyond
 * that a 503 with Retry-After says to come back, at once.
 * @module
 */
import { ProblemError } from "../problem.ts";

/** Hashes that may wait per running one, beyond which callers get 503. */
export const HASHES_WAITING_PER_SLOT = 8;
/** What one hash costs, for Retry-After (600k PBKDF2 iterations here). */
const HASH_SECONDS = 0.25;

/**
 * A queue in front of password hashing.
 *
 * @example
 * const gate = new HashGate(1);
 * const session = await gate.run(() => auth.login(email, password));
 */
export class HashGate {
  readonly #concurrency: number;
  readonly #maxWaiting: number;
  readonly #waiting: (() => void)[] = [];
  #running = 0;

  constructor(
    concurrency: number,
    maxWaiting = concurrency * HASHES_WAITING_PER_SLOT,
  ) {
    this.#concurrency = concurrency;
    this.#maxWaiting = maxWaiting;
  }

  /** Runs `work` (which hashes) when a slot is free; 503 when too many wait. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#running < this.#concurrency) this.#running++;
    else if (this.#waiting.length >= this.#maxWaiting) {
      const seconds = Math.max(
        1,
        Math.ceil(
          (this.#waiting.length / this.#concurrency + 1) * HASH_SECONDS,
        ),
      );
      throw new ProblemError(
        503,
        "Busy",
        `Too many log-ins and sign-ups at once; try again in ${seconds} s`,
        { type: "/problems/busy", headers: { "Retry-After": String(seconds) } },
      );
    } else {
      // the slot is handed over by the one finishing (running stays the same)
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}
