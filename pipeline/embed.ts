/**
 * Step 2: one vector per movie. Resumable (rows are written batch by batch
 * with the hash of their text; unchanged texts are not embedded again) and
 * shardable (Cloud Run task i of n embeds movies i, i+n, … by sorted id).
 */
import type { Movie } from "../core/types.ts";
import type { EmbeddingRow, Store } from "../store/types.ts";
import { saveQueryEmbedding } from "../store/query_embedding.ts";
import type { PipelineContext, StepOptions, StepResult } from "./context.ts";
import { ensureDataset } from "./download.ts";
import {
  createEmbedder,
  type Embedder,
  embedderIdentity,
  embeddingModel,
} from "./embedders/mod.ts";
import {
  datasetFingerprint,
  inputsFingerprint,
  isStepDone,
  markStepDone,
} from "./fingerprint.ts";
import { movieText, textHash } from "./movie_text.ts";
import { readDatasetMovies } from "./dataset.ts";
import { type ProgressReporter, silentProgress } from "./progress.ts";

/** Which part of the movies one task embeds. */
export interface Shard {
  index: number;
  count: number;
}

/** Items whose position (in the given order) is `index` modulo `count`. */
export function shardOf<T>(items: readonly T[], shard: Shard): T[] {
  if (shard.count <= 1) return [...items];
  return items.filter((_, i) => i % shard.count === shard.index);
}

/** Options for `embedMovies`. */
export interface EmbedMoviesOptions {
  embedder: Embedder;
  /** Every movie of the dataset (a shard embeds its part). */
  movies: Movie[];
  /** Movies per embed call and store write (default 64). */
  batchSize?: number;
  /** Default: the whole list. */
  shard?: Shard;
  progress?: ProgressReporter;
}

/** What `embedMovies` did. */
export interface EmbedSummary {
  /** Movies in this task's shard. */
  total: number;
  embedded: number;
  /** Movies whose text hash was already stored. */
  unchanged: number;
  /** Stored rows of movies no longer in the dataset (unsharded runs only). */
  pruned: number;
}

/**
 * Embeds the movies (sorted by id) whose text changed since they were last
 * embedded with this embedder, writing each batch as soon as it is done.
 */
export async function embedMovies(
  store: Store,
  options: EmbedMoviesOptions,
): Promise<EmbedSummary> {
  const { embedder, movies } = options;
  const progress = options.progress ?? silentProgress;
  const batchSize = options.batchSize ?? 64;
  const sorted = [...movies].sort((a, b) => a.id - b.id);
  const shard = options.shard ?? { index: 0, count: 1 };
  const mine = shardOf(sorted, shard);
  const stored = await store.embeddings.hashes(embedder.model);
  const todo: { movie: Movie; hash: string; length: number }[] = [];
  for (const movie of mine) {
    const text = movieText(movie);
    const hash = textHash(embedder.fingerprint, text);
    if (stored.get(movie.id) !== hash) {
      todo.push({ movie, hash, length: text.length });
    }
  }
  // A transformer pads each batch to its longest text: batches of similar
  // lengths waste far less work (stable sort: ids stay ordered within a length).
  todo.sort((a, b) => a.length - b.length);
  const label = shard.count > 1
    ? `embed (${embedder.model}, shard ${shard.index + 1}/${shard.count})`
    : `embed (${embedder.model})`;
  if (todo.length) {
    const task = progress.task(label, todo.length, "movies");
    for (let start = 0; start < todo.length; start += batchSize) {
      const batch = todo.slice(start, start + batchSize);
      const vectors = await embedder.embed(batch.map((t) => t.movie));
      const rows: EmbeddingRow[] = batch.map((t, i) => ({
        movieId: t.movie.id,
        textHash: t.hash,
        vector: vectors[i],
      }));
      await store.embeddings.put(embedder.model, rows);
      task.advance(batch.length);
    }
    task.done();
  }
  // A shard sees only its part, so only a full run may delete rows.
  const pruned = shard.count > 1 ? 0 : await store.embeddings.prune(
    embedder.model,
    new Set(sorted.map((m) => m.id)),
  );
  return {
    total: mine.length,
    embedded: todo.length,
    unchanged: mine.length - todo.length,
    pruned,
  };
}

/** The `embed` step: dataset → embeddings of the configured model. */
export async function embedStep(
  ctx: PipelineContext,
  options: StepOptions = {},
): Promise<StepResult> {
  const { config, store, progress } = ctx;
  const dataset = await ensureDataset(config, ctx.objects, { progress });
  const shard = {
    index: config.CLOUD_RUN_TASK_INDEX,
    count: config.CLOUD_RUN_TASK_COUNT,
  };
  const stepKey = `embed:${
    embeddingModel(config)
  }:${shard.index}/${shard.count}`;
  const fingerprint = inputsFingerprint({
    dataset: await datasetFingerprint(dataset.dir),
    ...embedderIdentity(config),
    // 1: the query embedding (search by description) is stored too
    queryEmbedding: 1,
  });
  if (
    !options.force &&
    await isStepDone(store.meta, { step: stepKey, fingerprint })
  ) {
    return {
      step: "embed",
      skipped: true,
      detail: `${embeddingModel(config)} embeddings are up to date`,
    };
  }
  const movies = await readDatasetMovies(dataset.dir);
  const embedder = createEmbedder(config, movies);
  try {
    const summary = await embedMovies(store, {
      embedder,
      movies,
      batchSize: config.EMBED_BATCH_SIZE,
      shard,
      progress,
    });
    // Beside the vectors, so serving embeds queries as these were embedded.
    await saveQueryEmbedding(store.meta, embedder.queryEmbedding());
    await markStepDone(store.meta, {
      step: stepKey,
      fingerprint,
      details: { ...summary },
    });
    return {
      step: "embed",
      skipped: false,
      detail:
        `${summary.embedded} movies embedded with ${embedder.model}, ${summary.unchanged} unchanged, ${summary.pruned} pruned`,
    };
  } finally {
    await embedder.dispose();
  }
}
