/**
 * Which embedder the pipeline runs: the one module that reads `EMBEDDER`.
 * Serving never reads it: it uses the model the served models were trained
 * with (serving/embeddings.ts).
 */
import type { Config } from "../../config/mod.ts";
import type { Movie } from "../../core/types.ts";
import type { Embedder } from "./embedder.ts";
import {
  minilmEmbedder,
  minilmFingerprint,
  ModelNotFoundError,
  ModelUnavailableError,
} from "./minilm.ts";
import { tfidfEmbedder } from "./tfidf.ts";

export type { Embedder } from "./embedder.ts";

/** The embedding model that needs no files and no network. */
export const OFFLINE_EMBEDDING_MODEL = "tfidf";

/**
 * The embedder the configuration asks for. TF-IDF is fitted on `corpus`
 * (every movie, also when sharding, so that shards agree).
 *
 * @example
 * ```ts
 * const embedder = createEmbedder(config, movies);
 * const vectors = await embedder.embed(movies.slice(0, 64));
 * ```
 */
export function createEmbedder(config: Config, corpus: Movie[]): Embedder {
  if (config.EMBEDDER === "tfidf") return tfidfEmbedder(corpus);
  return minilmEmbedder({
    model: config.EMBEDDING_MODEL,
    modelDir: config.modelDir,
    allowRemote: config.ALLOW_REMOTE_MODELS,
    batchSize: config.EMBED_BATCH_SIZE,
    dtype: config.EMBEDDING_DTYPE,
  });
}

/** Key of the configured embedder's vectors in `store.embeddings`. */
export function embeddingModel(config: Config): string {
  return config.EMBEDDER;
}

/**
 * What identifies the configured embedder's output, for the embed step's
 * fingerprint: another model, precision or TF-IDF version means re-embedding.
 */
export function embedderIdentity(
  config: Config,
): { embedder: string; model: string } {
  return {
    embedder: config.EMBEDDER,
    model: config.EMBEDDER === "minilm"
      ? minilmFingerprint(config.EMBEDDING_MODEL, config.EMBEDDING_DTYPE)
      : "tfidf-v1",
  };
}

/**
 * The configuration to retry with after `error`, when it says the MiniLM
 * model is missing and TF-IDF was not already in use; else null. A first
 * start uses this so that it works without the model files.
 *
 * @example
 * ```ts
 * const retry = offlineEmbedderAfter(error, config);
 * if (retry) await runPipeline({ ...ctx, config: retry });
 * ```
 */
export function offlineEmbedderAfter(
  error: unknown,
  config: Config,
): Config | null {
  const modelMissing = error instanceof ModelNotFoundError ||
    error instanceof ModelUnavailableError;
  if (!modelMissing || config.EMBEDDER === OFFLINE_EMBEDDING_MODEL) {
    return null;
  }
  return { ...config, EMBEDDER: OFFLINE_EMBEDDING_MODEL };
}
