/**
 * Serves the API: reads config once, opens the store, builds serving state,
 * listens on `PORT`, and shuts down gracefully on SIGTERM/SIGINT (Cloud Run
 * sends SIGTERM and allows 10 s).
 * @module
 */
import { type Config, configFromEnv } from "../config/mod.ts";
import { openStore } from "../store/mod.ts";
import type { Store } from "../store/types.ts";
import { createApp } from "./app.ts";
import { prepareDeps, prepareInBackground } from "./deps.ts";
import { type IsolateGroup, startIsolates } from "./isolates.ts";
import { listen } from "./listen.ts";
import { jsonLogger, type Logger } from "./logger.ts";

/** Options for `serveApi`. */
export interface ServeApiOptions {
  /** Default: `configFromEnv()`. */
  config?: Config;
  /** Default: `openStore(config)`; closed on shutdown either way. */
  store?: Store;
  logger?: Logger;
  /** Listen on this port instead of `config.PORT` (0: any free port). */
  port?: number;
  hostname?: string;
  /** Stop on these signals (default SIGTERM and SIGINT; [] for none). */
  signals?: Deno.Signal[];
  /**
   * Serve as one worker isolate of several (api/isolates.ts): share the
   * port and start no isolates of its own.
   */
  worker?: boolean;
}

/** A running server. */
export interface RunningApi {
  url: URL;
  /** Stops accepting, drains requests, closes the store. */
  shutdown(): Promise<void>;
  /** Settles once the server has stopped and the store is closed. */
  finished: Promise<void>;
}

/**
 * Starts the API server.
 *
 * @example
 * const api = await serveApi({ port: 0, signals: [] });
 * await fetch(new URL("/health", api.url));
 * await api.shutdown();
 */
export async function serveApi(
  options: ServeApiOptions = {},
): Promise<RunningApi> {
  const config = options.config ?? configFromEnv();
  const logger = options.logger ?? jsonLogger({ level: config.LOG_LEVEL });
  const store = options.store ?? await openStore(config);
  const deps = await prepareDeps(config, store, { logger });
  const app = createApp(deps);
  const extraIsolates = options.worker ? 0 : config.apiIsolates - 1;
  const { server, url, drainAndStop } = await listen(app.fetch, {
    port: options.port ?? config.PORT,
    hostname: options.hostname,
    reusePort: options.worker || extraIsolates > 0,
  });
  logger.info("API listening", {
    port: Number(url.port),
    store: store.kind,
    cache: deps.cache?.kind,
    auth: config.supabaseAuth ? "supabase" : "local",
  });
  const preparing = prepareInBackground(deps);
  let isolates: IsolateGroup | undefined;
  if (extraIsolates > 0) {
    try {
      isolates = await startIsolates(extraIsolates, {
        port: Number(url.port),
        hostname: options.hostname,
        logger,
      });
    } catch (error) {
      await drainAndStop();
      await preparing;
      await store.close();
      throw error;
    }
  }

  const signals = options.signals ?? ["SIGTERM", "SIGINT"];
  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    stopping ??= (async () => {
      logger.info("Shutting down: draining requests");
      for (const signal of signals) Deno.removeSignalListener(signal, onSignal);
      // in-flight requests finish, new ones get 503, then the socket closes
      await Promise.all([drainAndStop(), isolates?.stop()]);
      await preparing;
      await store.close();
      logger.info("Stopped");
    })();
    return stopping;
  };
  const onSignal = () => void shutdown();
  for (const signal of signals) Deno.addSignalListener(signal, onSignal);
  return { url, shutdown, finished: server.finished.then(() => stopping) };
}

if (import.meta.main) {
  await serveApi();
}
