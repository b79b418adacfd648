/**
 * Stores for the benchmark: ml-latest-small through the real pipeline (timed
 * per step: phase 5), and a synthetic 100k-movie catalogue written through
 * the store API, both in temp folders.
 */
import { parseConfig } from "../../config/mod.ts";
import { CLASSIC_GENRES } from "../../core/genres.ts";
import type { Interaction, Movie, MovieStats } from "../../core/types.ts";
import { openObjectStorage, openStore } from "../../store/mod.ts";
import { writeTinyModel } from "../../tests/fixtures/make_tiny_model.ts";
import type { ProgressReporter } from "../../pipeline/progress.ts";
import { runPipeline, STEP_NAMES } from "../../pipeline/run.ts";
import { type BenchRow, seededRandom, unitVectors } from "./stats.ts";

const silent: ProgressReporter = {
  task: () => ({ advance() {}, done() {} }),
  log() {},
};

/** Seconds taken by each pipeline step, and what it reported. */
export interface PipelineTiming {
  step: string;
  seconds: number;
  detail: string;
}

/** Runs the pipeline steps one by one on a fresh store in `dataDir`. */
export async function timePipeline(
  env: Record<string, string>,
  steps: readonly (typeof STEP_NAMES)[number][] = STEP_NAMES,
): Promise<PipelineTiming[]> {
  const config = parseConfig(env);
  const store = await openStore(config);
  try {
    const ctx = {
      config,
      store,
      objects: openObjectStorage(config),
      progress: silent,
    };
    const timings: PipelineTiming[] = [];
    for (const step of steps) {
      const started = performance.now();
      const [result] = await runPipeline(ctx, [step], { force: true });
      timings.push({
        step,
        seconds: (performance.now() - started) / 1000,
        detail: result.detail,
      });
    }
    return timings;
  } finally {
    await store.close();
  }
}

/** Options for `benchPipeline`. */
export interface PipelineBenchOptions {
  /** The extracted ml-latest-small folder. */
  movielensDir: string;
  /** Store for the tfidf run; the API phases serve it afterwards. */
  dataDir: string;
  /** Scratch folder for the tiny-model run. */
  tinyDir: string;
  /** Ratings in the dataset, for interactions/s. */
  ratings: number;
}

/**
 * Phase 5: the whole pipeline with tfidf into `dataDir`, then the embed
 * step alone with the tiny test model (the MiniLM code path, not MiniLM).
 */
export async function benchPipeline(
  options: PipelineBenchOptions,
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const tfidf = await timePipeline({
    DATA_DIR: options.dataDir,
    EMBEDDER: "tfidf",
    MOVIELENS_DIR: options.movielensDir,
  });
  for (const t of tfidf) {
    rows.push({
      phase: "pipeline",
      measure: `ml-latest-small, tfidf: ${t.step}`,
      value: `${t.seconds.toFixed(2)} s`,
      note: t.detail,
    });
  }
  const total = tfidf.reduce((sum, t) => sum + t.seconds, 0);
  rows.push({
    phase: "pipeline",
    measure: "ml-latest-small, tfidf: all steps",
    value: `${total.toFixed(2)} s`,
  });
  const load = tfidf.find((t) => t.step === "load");
  if (load) {
    rows.push({
      phase: "pipeline",
      measure: "load throughput (movies + ratings into SQLite)",
      value: `${
        Math.round(options.ratings / load.seconds).toLocaleString("en")
      } interactions/s`,
    });
  }
  const modelDir = `${options.tinyDir}/models`;
  await writeTinyModel(modelDir);
  const tiny = await timePipeline({
    DATA_DIR: options.tinyDir,
    EMBEDDER: "minilm",
    EMBEDDING_MODEL: "tiny-bert",
    MODEL_DIR: modelDir,
    ALLOW_REMOTE_MODELS: "false",
    MOVIELENS_DIR: options.movielensDir,
  }, ["download", "embed"]);
  const embed = tiny.find((t) => t.step === "embed")!;
  rows.push({
    phase: "pipeline",
    measure: "embed with the tiny test model (NOT MiniLM)",
    value: `${embed.seconds.toFixed(2)} s`,
    note:
      "transformers.js + ONNX runtime path on an 8-dim one-node model; MiniLM itself: the MiniLM section (deno task bench:minilm)",
  });
  return rows;
}

/** Ratings per MovieLens user in a ratings.csv. */
export async function ratingCounts(
  ratingsCsv: string,
): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  const text = await Deno.readTextFile(ratingsCsv);
  for (const line of text.split("\n").slice(1)) {
    if (!line) continue;
    const user = Number(line.slice(0, line.indexOf(",")));
    counts.set(user, (counts.get(user) ?? 0) + 1);
  }
  return counts;
}

/** The user whose rating count is closest to `target`. */
export function closestUser(
  counts: Map<number, number>,
  target: number,
): { userId: number; ratings: number } {
  let best = { userId: -1, ratings: Infinity };
  for (const [userId, ratings] of counts) {
    if (Math.abs(ratings - target) < Math.abs(best.ratings - target)) {
      best = { userId, ratings };
    }
  }
  return best;
}

const GENRES = CLASSIC_GENRES;

/** Options for `writeSyntheticCatalog`. */
export interface SyntheticCatalogOptions {
  dataDir: string;
  movies?: number;
  dim?: number;
  /** Users `synthetic:<n>`, each with `ratingsPerUser` ratings. */
  users?: number;
  ratingsPerUser?: number;
}

/**
 * Writes a synthetic catalogue (movies, stats, `minilm` embeddings of `dim`
 * floats, a few users' ratings) into a SQLite store in `dataDir` through the
 * store API. Returns the user ids.
 */
export async function writeSyntheticCatalog(
  options: SyntheticCatalogOptions,
): Promise<string[]> {
  const n = options.movies ?? 100_000;
  const dim = options.dim ?? 384;
  const store = await openStore(parseConfig({ DATA_DIR: options.dataDir }));
  const next = seededRandom(5);
  const batch = 5000;
  try {
    for (let start = 0; start < n; start += batch) {
      const count = Math.min(batch, n - start);
      const movies: Movie[] = [];
      const stats: MovieStats[] = [];
      const vectors = unitVectors(count, dim, 1000 + start);
      for (let i = 0; i < count; i++) {
        const id = start + i + 1;
        movies.push({
          id,
          title: `Synthetic Movie ${id}`,
          year: 1920 + Math.floor(next() * 105),
          genres: [
            GENRES[id % GENRES.length],
            GENRES[(id * 7) % GENRES.length],
          ],
          tags: [],
          imdbId: null,
          tmdbId: null,
        });
        const ratingCount = Math.floor(next() * 300);
        const ratingMean = ratingCount ? 1 + next() * 4 : 0;
        stats.push({
          movieId: id,
          ratingCount,
          ratingMean,
          bayesianScore: (ratingMean * ratingCount + 3.5 * 10) /
            (ratingCount + 10),
          ratingHistogram: new Array(10).fill(0),
        });
      }
      await store.transaction(async () => {
        await store.movies.upsert(movies);
        await store.movies.putStats(stats);
        await store.embeddings.put(
          "minilm",
          movies.map((m, i) => ({
            movieId: m.id,
            textHash: "synthetic",
            vector: vectors.subarray(i * dim, (i + 1) * dim),
          })),
        );
      });
    }
    const users: string[] = [];
    const interactions: Interaction[] = [];
    for (let u = 0; u < (options.users ?? 20); u++) {
      const userId = `synthetic:${u}`;
      users.push(userId);
      for (let r = 0; r < (options.ratingsPerUser ?? 200); r++) {
        interactions.push({
          userId,
          movieId: 1 + Math.floor(next() * n),
          type: "rating",
          value: Math.round(1 + next() * 8) / 2,
          timestamp: 1_600_000_000_000 + r * 1000,
        });
      }
    }
    await store.interactions.upsert(interactions);
    return users;
  } finally {
    await store.close();
  }
}
