/**
 * More isolates serving one port: `api/main.ts` with API_ISOLATES > 1 starts
 * that many minus one workers, each a whole API of its own (store
 * connection, serving state, memory cache, rate limits) bound to the same
 * port with `SO_REUSEPORT`, so that the kernel spreads connections over
 * them and each runs JavaScript on its own core. Nothing is shared between
 * isolates but the store (and Redis, when configured): memory grows with
 * the count, and a cache or rate limit in memory is per isolate.
 * @module
 */
import type { Logger } from "./logger.ts";

/** What the main isolate tells a worker. */
export type ToWorker =
  | { kind: "serve"; port: number; hostname?: string }
  | { kind: "stop" };

/** What a worker tells the main isolate. */
export type FromWorker =
  | { kind: "listening" }
  | { kind: "stopped" }
  | { kind: "failed"; message: string };

/** Worker isolates serving beside the main one. */
export interface IsolateGroup {
  /** Workers listening. */
  readonly count: number;
  /** Drains every worker's requests and stops them. */
  stop(): Promise<void>;
}

/** Options for `startIsolates`. */
export interface StartIsolatesOptions {
  /** The port the main isolate bound (with `reusePort`). */
  port: number;
  hostname?: string;
  logger: Logger;
}

function reply(worker: Worker): Promise<FromWorker> {
  return new Promise((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<FromWorker>) => resolve(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new Error(`API isolate failed: ${event.message}`));
    };
  });
}

/**
 * Starts `count` worker isolates serving the API on `options.port`;
 * resolves once every one listens, or rejects (having stopped the others)
 * with the first failure.
 *
 * @example
 * const workers = await startIsolates(config.apiIsolates - 1, { port, logger });
 * // … on shutdown:
 * await workers.stop();
 */
export async function startIsolates(
  count: number,
  options: StartIsolatesOptions,
): Promise<IsolateGroup> {
  const workers: Worker[] = [];
  const stopAll = async () => {
    await Promise.all(workers.map(async (worker) => {
      const stopped = reply(worker).catch(() => undefined);
      worker.postMessage({ kind: "stop" } satisfies ToWorker);
      await stopped;
      worker.terminate();
    }));
  };
  try {
    for (let i = 0; i < count; i++) {
      const worker = new Worker(
        new URL("./isolate_worker.ts", import.meta.url),
        { type: "module" },
      );
      workers.push(worker);
      const answer = reply(worker);
      worker.postMessage(
        {
          kind: "serve",
          port: options.port,
          hostname: options.hostname,
        } satisfies ToWorker,
      );
      const message = await answer;
      if (message.kind !== "listening") {
        throw new Error(
          `API isolate ${i + 2} did not start: ${
            message.kind === "failed" ? message.message : message.kind
          }`,
        );
      }
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  options.logger.info("API isolates listening", {
    isolates: count + 1,
    port: options.port,
  });
  return { count, stop: stopAll };
}
