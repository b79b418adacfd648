/**
 * `deno task start`: web and API on one port (PORT, default 8000). On first
 * start the store is empty, so the pipeline loads MovieLens first. With
 * API_URL set, only the web runs, against that API.
 */
import { type Config, ConfigError, configFromEnv } from "./config/mod.ts";
import { openObjectStorage, openStore } from "./store/mod.ts";
import type { Store } from "./store/types.ts";
import { runPipeline } from "./pipeline/run.ts";
import { DownloadError } from "./pipeline/download.ts";
import {
  ModelNotFoundError,
  ModelUnavailableError,
} from "./pipeline/embedders/minilm.ts";
import { consoleProgress, type ProgressReporter } from "./pipeline/progress.ts";
import { createApp } from "./api/app.ts";
import { listen } from "./api/listen.ts";
import { prepareDeps } from "./api/deps.ts";
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

/** Where a first start looks for a local MovieLens copy when GroupLens is unreachable. */
const LOCAL_DATASET_PARENTS = ["./data", "../shared/data"];

async function localDataset(variant: string): Promise<string | null> {
  for (const parent of LOCAL_DATASET_PARENTS) {
    const dir = `${parent}/${variant}`;
    const found = await Deno.stat(`${dir}/movies.csv`).then(
      (info) => info.isFile,
      () => false,
    );
    if (found) return dir;
  }
  return null;
}

/**
 * What a first start tries next after `error`, or null to give up: without
 * the MiniLM model it uses TF-IDF; without GroupLens, a local copy of the
 * dataset in a conventional place. Each fallback is announced.
 */
export async function fallbackAfter(
  error: unknown,
  config: Config,
  progress: ProgressReporter,
): Promise<Config | null> {
  const modelMissing = error instanceof ModelNotFoundError ||
    error instanceof ModelUnavailableError;
  if (modelMissing && config.EMBEDDER !== "tfidf") {
    progress.log(
      `${error.message}\nFalling back to EMBEDDER=tfidf for this first start; run \`EMBEDDER=minilm deno task pipeline\` once the model is available.`,
    );
    return { ...config, EMBEDDER: "tfidf" };
  }
  if (
    error instanceof DownloadError && !config.MOVIELENS_DIR &&
    !config.MOVIELENS_ZIP
  ) {
    const dir = await localDataset(config.MOVIELENS_VARIANT);
    if (!dir) return null;
    progress.log(`${error.message}\nUsing the local copy in ${dir} instead.`);
    return { ...config, MOVIELENS_DIR: dir };
  }
  return null;
}

/**
 * Loads the store with the pipeline when it holds no movies yet, so that a
 * first start works even offline (see `fallbackAfter`).
 */
async function fillIfEmpty(
  config: Config,
  store: Store,
  progress: ProgressReporter,
): Promise<void> {
  if (await store.movies.count() > 0) return;
  progress.log(
    "The store is empty: running the pipeline once (download, embed, load, precompute)…",
  );
  const objects = openObjectStorage(config);
  let attempt: Config | null = config;
  while (attempt) {
    try {
      await runPipeline({ config: attempt, store, objects, progress });
      return;
    } catch (error) {
      const next: Config | null = await fallbackAfter(error, attempt, progress);
      if (!next) throw error;
      attempt = next;
    }
  }
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
  if (!config.API_URL) {
    store = await openStore(config);
    await fillIfEmpty(config, store, options.progress ?? consoleProgress());
    api = createApp(await prepareDeps(config, store, { logger }));
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
  const { server: httpServer, url } = await listen(server.fetch, {
    port: options.port ?? config.PORT,
    hostname: options.hostname,
    publicHost: "localhost",
  });
  logger.info(`Listening on ${url}`, {
    api: config.API_URL ?? "in-process",
    store: store?.kind ?? "none",
  });
  return {
    url,
    async shutdown() {
      await httpServer.shutdown();
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
    if (
      !(error instanceof Error) ||
      !/^(DownloadError|DatasetError|ZipError|ModelNotFoundError)$/.test(
        error.name,
      )
    ) throw error;
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
