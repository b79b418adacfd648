/**
 * The pipeline's neighbours step at catalogue scale: the k nearest
 * neighbours of every movie of a seeded random unit-row matrix, found one
 * movie at a time (`similarMovies`, what precompute did before) and a block
 * of movies per pass over the matrix (`neighbourBlocks`, what it does now).
 * The old path is timed on a sample of movies spread evenly over the matrix
 * and extrapolated to the whole catalogue; the new one runs on every movie. Both answers are compared on
 * the sample, ids and scores bit for bit. CPU seconds are the figure to
 * compare on a shared machine; wall seconds are printed beside them.
 *
 *   nice -n 10 deno run -A tools/bench/neighbours.ts --movies 62423 --dim 256 --sample 2000
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { neighbourBlocks } from "../../core/vectors/all_neighbours.ts";
import {
  allocateVectors,
  BLOCK_QUERIES,
  rowScorer,
} from "../../core/vectors/score_kernel.ts";
import { rowIndex, similarMovies } from "../../core/vectors/top_k.ts";
import type { EmbeddingMatrix } from "../../core/types.ts";
import { unitVectors } from "./stats.ts";

/** Options of `benchNeighbours`. */
export interface NeighboursBenchOptions {
  movies: number;
  dim: number;
  /** Neighbours per movie (the pipeline's NEIGHBOURS_K default is 50). */
  k: number;
  /** Movies searched one at a time, spread evenly over the rows. */
  sample: number;
  /** Movies per pass of the new path (default `BLOCK_QUERIES`). */
  batch?: number;
  seed?: number;
  log?: (line: string) => void;
}

/** Seconds and throughput of one path. */
export interface PathTiming {
  movies: number;
  cpuSeconds: number;
  wallSeconds: number;
  /** Movies per CPU second. */
  moviesPerCpuSecond: number;
}

/** What `benchNeighbours` measured. */
export interface NeighboursBenchResult {
  backend: string;
  old: PathTiming;
  new: PathTiming;
  /** Sample movies whose neighbours differ between the paths (0 expected). */
  mismatches: number;
}

/** Runs `work` and returns its CPU (user + system) and wall seconds. */
function timed(movies: number, work: () => void): PathTiming {
  const cpu = process.cpuUsage();
  const start = performance.now();
  work();
  const wallSeconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  return {
    movies,
    cpuSeconds,
    wallSeconds,
    moviesPerCpuSecond: movies / cpuSeconds,
  };
}

/** The seeded matrix, placed where the pipeline's store places it. */
export function benchMatrix(
  options: { movies: number; dim: number; seed?: number },
): EmbeddingMatrix {
  const { movies, dim, seed = 1 } = options;
  const vectors = allocateVectors(movies, dim);
  vectors.set(unitVectors(movies, dim, seed));
  // sparse ids, as MovieLens ids are
  const ids = Int32Array.from({ length: movies }, (_, r) => 1 + r * 3);
  return { ids, dim, vectors };
}

/** Times both paths and compares their answers on the sample. */
export function benchNeighbours(
  options: NeighboursBenchOptions,
): NeighboursBenchResult {
  const { k, sample, log = () => {} } = options;
  const matrix = benchMatrix(options);
  const { movies } = options;
  // the one-off move into kernel memory is outside both timings
  const backend = rowScorer(matrix).backend;
  const index = rowIndex(matrix);
  // sample i is row sampled[i]; `slot` maps a row back to its sample
  const sampled = Int32Array.from(
    { length: sample },
    (_, i) => Math.floor((i * movies) / sample),
  );
  const slot = new Int32Array(movies).fill(-1);
  sampled.forEach((row, i) => slot[row] = i);
  const oldIds = new Int32Array(sample * k).fill(-1);
  const oldScores = new Float64Array(sample * k).fill(NaN);
  log(`old path: similarMovies of ${sample} movies spread over the rows…`);
  const old = timed(sample, () => {
    sampled.forEach((row, i) => {
      const found = similarMovies(matrix, matrix.ids[row], { index, k });
      found.forEach((s, j) => {
        oldIds[i * k + j] = s.movieId;
        oldScores[i * k + j] = s.score;
      });
    });
  });
  log(`new path: neighbourBlocks of all ${movies} movies…`);
  const newIds = new Int32Array(sample * k);
  const newScores = new Float64Array(sample * k);
  let nextReport = 0;
  const timing = timed(movies, () => {
    const blocks = neighbourBlocks(matrix, { k, batch: options.batch });
    for (const block of blocks) {
      for (let q = 0; q < block.count; q++) {
        const i = slot[block.start + q];
        if (i < 0) continue;
        newIds.set(block.ids.subarray(q * k, (q + 1) * k), i * k);
        newScores.set(block.scores.subarray(q * k, (q + 1) * k), i * k);
      }
      if (block.start >= nextReport) {
        log(`  ${block.start} / ${movies}`);
        nextReport += Math.ceil(movies / 10);
      }
    }
  });
  let mismatches = 0;
  for (let i = 0; i < sample; i++) {
    for (let j = i * k; j < (i + 1) * k; j++) {
      if (
        oldIds[j] !== newIds[j] || !Object.is(oldScores[j], newScores[j])
      ) {
        mismatches++;
        break;
      }
    }
  }
  return { backend, old, new: timing, mismatches };
}

/** The report's lines. */
export function neighboursReport(
  result: NeighboursBenchResult,
  options: { movies: number; dim: number; k: number; batch: number },
): string[] {
  const { old, new: now } = result;
  const oldWhole = options.movies / old.moviesPerCpuSecond;
  const row = (name: string, t: PathTiming) =>
    `${name}: ${t.movies} movies in ${t.cpuSeconds.toFixed(1)} CPU s (${
      t.wallSeconds.toFixed(1)
    } s wall): ${t.moviesPerCpuSecond.toFixed(0)} movies per CPU second`;
  return [
    `${options.movies} movies × ${options.dim} floats, k = ${options.k}, ${result.backend} kernel, blocks of ${options.batch}`,
    row("old (similarMovies per movie, sample)", old),
    `  extrapolated to all ${options.movies} movies: ${
      oldWhole.toFixed(0)
    } CPU s`,
    row("new (neighbourBlocks, every movie)", now),
    `speed-up per movie (CPU): ${
      (now.moviesPerCpuSecond / old.moviesPerCpuSecond).toFixed(1)
    }×`,
    result.mismatches === 0
      ? `agreement: the ${old.movies} sampled movies have identical ids and scores`
      : `DISAGREEMENT: ${result.mismatches} of ${old.movies} sampled movies differ`,
  ];
}

/** A whole number ≥ `min` from the flag `name`. */
function whole(value: string, name: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new Error(
      `--${name}: expected a whole number ≥ ${min}, found "${value}"`,
    );
  }
  return n;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      movies: { type: "string", default: "62423" },
      dim: { type: "string", default: "256" },
      k: { type: "string", default: "50" },
      sample: { type: "string", default: "2000" },
      batch: { type: "string", default: String(BLOCK_QUERIES) },
      seed: { type: "string", default: "1" },
    },
  });
  const movies = whole(values.movies, "movies", 1);
  const options = {
    movies,
    dim: whole(values.dim, "dim", 1),
    k: whole(values.k, "k", 1),
    sample: Math.min(movies, whole(values.sample, "sample", 1)),
    batch: whole(values.batch, "batch", 1),
    seed: whole(values.seed, "seed", 0),
  };
  const result = benchNeighbours({
    ...options,
    log: (line) => console.error(line),
  });
  for (const line of neighboursReport(result, options)) console.log(line);
  if (result.mismatches > 0) Deno.exit(1);
}
