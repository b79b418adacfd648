/**
 * `deno task start`: web and API on one port (PORT, default 8000). On first
 * start the store is empty, so the pipeline loads MovieLens first. With
 * API_URL set, only the web runs, against that API.
 */
import { type Config, ConfigError, configFromEnv } from "./config/mod.ts";
import { openStore } from "./store/mod.ts";
import type { Store } from "./store/types.ts";
import {
  fillStoreIfEmpty,
  isKnownPipelineFailure,
} from "./pipeline/first_start.ts";
import { consoleProgress, type ProgressReporter } from "./pipeline/progress.ts";
import { createApp } from "./api/app.ts";
import { listen } from "./api/listen.ts";
import { type AppDeps, prepareDeps, prepareInBackground } from "./api/deps.ts";
import { jsonLogger, type Logger } from "./api/logger.ts";
import { ensureIslands } from "./web/build.ts";
import { createServer } from "./web/server.ts";

/** Options for `start`. */
export interface StartOptions {
  config: Config;
  /** Default `config.PORT`; 0 picks a free port (tests). */
  port?: number;
  hostname?: string;
  logger?: Logger;
  progress?: ProgressReporter;
}

/** A running server. */
export interface Running {
  url: URL;
  shutdown(): Promise<void>;
}

/**
 * Starts web + API (or the web alone when API_URL is set).
 *
 * @example
 * const running = await start({ config: parseConfig({}), port: 0 });
 * await fetch(running.url);
 * await running.shutdown();
 */
export async function start(options: StartOptions): Promise<Running> {
  const { config } = options;
  const logger = options.logger ?? jsonLogger({ level: config.LOG_LEVEL });
  await ensureIslands();
  let store: Store | null = null;
  let api;
  let deps: AppDeps | null = null;
  if (!config.API_URL) {
    store = await openStore(config);
    await fillStoreIfEmpty({
      config,
      store,
      progress: options.progress ?? consoleProgress(),
    });
    deps = await prepareDeps(config, store, { logger });
    api = createApp(deps);
  }
  const server = createServer({
    config,
    api,
    onUnexpectedError: (error, path) =>
      logger.error("Web page failed", {
        path,
        error: error instanceof Error ? error.stack : String(error),
      }),
  });
  const { url, drainAndStop } = await listen(server.fetch, {
    port: options.port ?? config.PORT,
    hostname: options.hostname,
    publicHost: "localhost",
  });
  logger.info(`Listening on ${url}`, {
    api: config.API_URL ?? "in-process",
    store: store?.kind ?? "none",
  });
  const preparing = deps ? prepareInBackground(deps) : Promise.resolve();
  return {
    url,
    async shutdown() {
      // in-flight requests finish, new ones get 503, then the socket closes
      await drainAndStop();
      await preparing;
      await store?.close();
    },
  };
}

if (import.meta.main) {
  let config: Config;
  try {
    config = configFromEnv();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    Deno.exit(2);
  }
  let running: Running;
  try {
    running = await start({ config });
  } catch (error) {
    // Known failures (no network, bad data) carry a message that says it all.
    if (!isKnownPipelineFailure(error)) throw error;
    console.error(`start failed: ${error.message}`);
    Deno.exit(1);
  }
  console.log(`Open ${running.url} in a browser.`);
  const stop = async () => {
    await running.shutdown();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}
