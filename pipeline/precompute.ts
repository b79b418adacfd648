/**
 * Step 4: everything the API should not compute per request: rating
 * statistics per movie, the k nearest neighbours of every movie in
 * embedding space, the packed serving artifact, and the served models
 * (pipeline/train.ts).
 */
import { createHash } from "node:crypto";
import { movieStats } from "../core/movie_stats.ts";
import { neighbourBlocks } from "../core/vectors/all_neighbours.ts";
import type {
  EmbeddingMatrix,
  MovieStats,
  ScoredMovie,
} from "../core/types.ts";
import {
  encodeServingArtifact,
  type PackedNeighbours,
  packStats,
  servingArtifactKey,
} from "../store/serving_artifact.ts";
import type { Store } from "../store/types.ts";
import type { PipelineContext, StepOptions, StepResult } from "./context.ts";
import { readStoredInteractions, trainAndStore } from "./train.ts";
import {
  type InteractionColumns,
  RowList,
  TYPE_CODE,
} from "../core/models/interaction_columns.ts";
import { embeddingModel } from "./embedders/mod.ts";
import { inputsFingerprint, isStepDone, markStepDone } from "./fingerprint.ts";
import { type ProgressReporter, silentProgress } from "./progress.ts";

/**
 * Version of what training writes, in the step's fingerprint: bump it when
 * the served models change, so that stores made before retrain.
 */
const TRAINING_VERSION = "collaborative@2"; // 2: the hybrid's sequence model

/**
 * Rating statistics of every stored movie from every stored rating
 * (MovieLens users and app users alike), written with `putStats`.
 */
export async function computeMovieStats(
  store: Store,
  progress: ProgressReporter = silentProgress,
): Promise<MovieStats[]> {
  return storeMovieStats(store, await readStoredInteractions(store, progress));
}

/** `computeMovieStats` from interactions already read. */
async function storeMovieStats(
  store: Store,
  interactions: InteractionColumns,
): Promise<MovieStats[]> {
  const ids = await store.movies.ids();
  const rated = new RowList();
  for (let i = 0; i < interactions.size; i++) {
    const value = interactions.values[i];
    // NaN: not a rating, or a rating without a value
    if (interactions.types[i] === TYPE_CODE.rating && value === value) {
      rated.push(i);
    }
  }
  const rows = rated.toArray();
  const stats = movieStats(ids, {
    ratedMovieIds: Int32Array.from(rows, (i) => interactions.movies[i]),
    ratings: Float32Array.from(rows, (i) => interactions.values[i]),
  });
  for (let start = 0; start < stats.length; start += 5000) {
    await store.movies.putStats(stats.slice(start, start + 5000));
  }
  return stats;
}

/**
 * The `k` most similar movies of every movie (itself excluded), by cosine
 * similarity of the embeddings, written to `store.neighbours` batch by
 * batch. Returns them packed row by row (no object per neighbour is kept,
 * which matters at ml-32m's 87 000 movies). The same neighbours as
 * `similarMovies` of each movie, found a block of movies per pass over the
 * matrix (`neighbourBlocks`).
 */
export async function computeNeighbours(
  store: Store,
  options: {
    matrix: EmbeddingMatrix;
    /** Neighbours per movie. */
    k: number;
    progress?: ProgressReporter;
  },
): Promise<PackedNeighbours> {
  const { matrix, k, progress = silentProgress } = options;
  const n = matrix.ids.length;
  const packed: PackedNeighbours = {
    k,
    ids: new Int32Array(n * k),
    scores: new Float32Array(n * k),
  };
  const task = progress.task("neighbours", n, "movies");
  const storeBatch = 500;
  let batch: { movieId: number; neighbours: ScoredMovie[] }[] = [];
  for (const block of neighbourBlocks(matrix, { k })) {
    packed.ids.set(block.ids, block.start * k);
    packed.scores.set(block.scores, block.start * k);
    for (let i = 0; i < block.count; i++) {
      const neighbours: ScoredMovie[] = [];
      for (let j = i * k; j < (i + 1) * k && block.ids[j] !== -1; j++) {
        neighbours.push({ movieId: block.ids[j], score: block.scores[j] });
      }
      batch.push({ movieId: matrix.ids[block.start + i], neighbours });
    }
    task.advance(block.count);
    if (batch.length >= storeBatch || block.start + block.count === n) {
      await store.neighbours.put(batch);
      batch = [];
      // Let timers and signals run between batches of this CPU-bound loop.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  task.done();
  return packed;
}

async function precomputeFingerprint(
  store: Store,
  model: string,
  k: number,
): Promise<string> {
  const hashes = await store.embeddings.hashes(model);
  const embeddings = createHash("sha256");
  for (const id of [...hashes.keys()].sort((a, b) => a - b)) {
    embeddings.update(`${id}:${hashes.get(id)}\n`);
  }
  return inputsFingerprint({
    version: 1,
    model,
    k,
    embeddings: embeddings.digest("hex"),
    movies: await store.movies.count(),
    interactions: await store.interactions.count(),
    extra: [TRAINING_VERSION],
  });
}

/** The `precompute` step. */
export async function precomputeStep(
  ctx: PipelineContext,
  options: StepOptions = {},
): Promise<StepResult> {
  const { config, store, objects, progress } = ctx;
  const model = embeddingModel(config);
  const k = config.NEIGHBOURS_K;
  const fingerprint = await precomputeFingerprint(store, model, k);
  if (
    !options.force &&
    await isStepDone(store.meta, { step: "precompute", fingerprint })
  ) {
    return {
      step: "precompute",
      skipped: true,
      detail: "stats and neighbours are up to date",
    };
  }
  const movieCount = await store.movies.count();
  if (movieCount === 0) {
    throw new Error(
      "precompute: expected movies in the store, found none (run `deno task pipeline load` first)",
    );
  }
  // read once, for the statistics and for training
  const interactions = await readStoredInteractions(store, progress);
  const stats = await storeMovieStats(store, interactions);
  const matrix = await store.embeddings.load(model);
  if (!matrix || matrix.ids.length === 0) {
    throw new Error(
      `precompute: expected ${model} embeddings in the store, found none (run \`deno task pipeline embed\` first)`,
    );
  }
  const neighbours = await computeNeighbours(store, { matrix, k, progress });
  const artifactKey = servingArtifactKey(model);
  await objects.write(
    artifactKey,
    encodeServingArtifact({
      ids: matrix.ids,
      dim: matrix.dim,
      vectors: matrix.vectors,
      neighbours,
      stats: packStats(matrix.ids, stats),
      meta: { model, k, createdAt: new Date().toISOString() },
    }),
  );
  const details = [
    `stats for ${stats.length} movies`,
    `${k} neighbours for ${matrix.ids.length} movies`,
    `artifact ${artifactKey}`,
  ];
  details.push(
    `training: ${await trainAndStore(store, {
      content: { model, matrix },
      tune: config.HYBRID_TUNE,
      progress,
      interactions,
    })}`,
  );
  await markStepDone(store.meta, { step: "precompute", fingerprint });
  return { step: "precompute", skipped: false, detail: details.join(", ") };
}
