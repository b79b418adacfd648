/**
 * The first start of `deno task start`: when the store holds no movies, the
 * pipeline runs once, and it works offline — without the MiniLM model it
 * embeds with TF-IDF, without GroupLens it uses a local copy of the dataset
 * in a conventional place. Each fallback is announced.
 */
import type { Config } from "../config/mod.ts";
import { openObjectStorage } from "../store/mod.ts";
import type { Store } from "../store/types.ts";
import { DownloadError } from "./download.ts";
import {
  ModelNotFoundError,
  ModelUnavailableError,
} from "./embedders/minilm.ts";
import { offlineEmbedderAfter } from "./embedders/mod.ts";
import { DatasetError } from "./csv.ts";
import type { ProgressReporter } from "./progress.ts";
import { tmdbCredentials } from "./posters.ts";
import { runPipeline, STEP_NAMES } from "./run.ts";
import { ZipError } from "./zip.ts";

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
 * True for failures whose message says it all (no network, bad data, no
 * model): command lines print the message, without a stack.
 */
export function isKnownPipelineFailure(error: unknown): error is Error {
  return error instanceof DatasetError || error instanceof ZipError ||
    error instanceof ModelNotFoundError ||
    error instanceof ModelUnavailableError || error instanceof DownloadError;
}

/**
 * What a first start tries next after `error`, or null to give up: without
 * the MiniLM model it uses TF-IDF; without GroupLens, a local copy of the
 * dataset in a conventional place. Each fallback is announced.
 *
 * @example
 * ```ts
 * const next = await fallbackAfter(error, { config, progress: consoleProgress() });
 * ```
 */
export async function fallbackAfter(
  error: unknown,
  options: { config: Config; progress: ProgressReporter },
): Promise<Config | null> {
  const { config, progress } = options;
  const offline = offlineEmbedderAfter(error, config);
  if (offline) {
    progress.log(
      `${
        (error as Error).message
      }\nFalling back to TF-IDF embeddings for this first start; run \`EMBEDDER=minilm deno task pipeline\` once the model is available.`,
    );
    return offline;
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
 * What a first start runs: every step but posters, so that serving never
 * waits for (or fails on) TMDB.
 */
const FIRST_START_STEPS = STEP_NAMES.filter((step) => step !== "posters");

/** Options of `fillStoreIfEmpty`. */
export interface FirstStartOptions {
  config: Config;
  store: Store;
  progress: ProgressReporter;
}

/**
 * Loads the store with the pipeline when it holds no movies yet, so that a
 * first start works even offline (see `fallbackAfter`).
 *
 * @example
 * ```ts
 * await fillStoreIfEmpty({ config, store, progress: consoleProgress() });
 * ```
 */
export async function fillStoreIfEmpty(
  options: FirstStartOptions,
): Promise<void> {
  const { config, store, progress } = options;
  if (await store.movies.count() > 0) return;
  progress.log(
    "The store is empty: running the pipeline once (download, embed, load, precompute)…",
  );
  const objects = openObjectStorage(config);
  let attempt: Config | null = config;
  while (attempt) {
    try {
      await runPipeline(
        { config: attempt, store, objects, progress },
        FIRST_START_STEPS,
      );
      if (tmdbCredentials(attempt)) {
        progress.log(
          "Posters are not fetched on a first start (thousands of TMDB requests): run `deno task pipeline posters`, then restart.",
        );
      }
      return;
    } catch (error) {
      const next: Config | null = await fallbackAfter(error, {
        config: attempt,
        progress,
      });
      if (!next) throw error;
      attempt = next;
    }
  }
}
