/**
 * CLI: `deno task bench [--quick] [--no-write]`. Runs every benchmark phase
 * (kernel, pipeline, API under load, cold start, memory), prints the table
 * and writes docs/BENCHMARKS.md. A thin wrapper over the bench_*.ts modules.
 */
import { ConfigError, configFromEnv } from "../../config/mod.ts";
import { benchApi } from "./api.ts";
import { shippedPhase } from "./shipped_phase.ts";
import {
  benchPipeline,
  closestUser,
  ratingCounts,
  writeSyntheticCatalog,
} from "./data.ts";
import { benchKernel } from "./kernel.ts";
import { benchmarkDocument, describeMachine, textTable } from "./report.ts";
import { type BenchRow, commandExists, run } from "./stats.ts";

const HELP = `Usage: deno task bench [--quick] [--no-write]

Runs the benchmark phases one after another (about 8-10 minutes here):
  1. scoring kernel: top-10 cosine over 10k and 100k × 384 seeded vectors,
     beside numpy (/usr/bin/python3, python3-numpy) and usearch (npm)
  5. pipeline: seconds per step for ml-latest-small (tfidf), load throughput
  2. the shipped configurations (deno task start; the container's command
     with the deploy script's environment) beside the API alone and a bare
     Deno.serve, under wrk (loopback), in rounds; request-log choices; CPU
     profiles of the shipped configurations under load
  3. cold start, 4. peak RSS (ml-latest-small and a synthetic 100k catalogue)

Options:
  --quick     10k kernel only, 2 s load runs, one round, no 100k catalogue
              (a smoke run)
  --no-write  print the table but leave docs/BENCHMARKS.md alone
  --help      this text

Needs: wrk (apt-get install -y wrk) for the load runs; the dataset in
MOVIELENS_DIR or ../shared/data/ml-latest-small.`;

const REPO = new URL("../..", import.meta.url).pathname;

const NOTES = [
  "**Kernel.** N seeded random unit vectors of 384 float32 (the MiniLM width), written to one temp file that numpy and usearch read too; 20 seeded unit queries; the median per-query time over every query and repetition after 3 warm-up queries; top-10. Ours is `topK` from core/vectors/top_k.ts: a hand-written WebAssembly SIMD kernel (core/vectors/score_kernel.wat, 4 × f32x4 accumulators) scores every row in float32, then the rows within the float32 error bound of the 10th score are rescored in double precision, so the answer is exactly that of a plain double loop (tests in core/vectors/score_kernel_test.ts check this on seeded data). numpy runs `M @ q` (BLAS sgemv) + `argpartition` + a sort of the k best, with BLAS pinned to one thread (`OPENBLAS_NUM_THREADS=1`); usearch runs `exactSearch` (inner product, one thread) from its npm package under Node. `seed` is the previous implementation (one scalar loop and a heap) for comparison. The top-10 of the first query is checked to agree across implementations.",
  "**API.** Every server is its own process started by the benchmark on a temp SQLite store that the pipeline built from ml-latest-small (`EMBEDDER=tfidf`), with its output written straight to a file. The configurations people run are read from the files that define them (tools/bench/configs.ts): `deno task start` from deno.json with no environment but the store; the container from the Dockerfile's CMD (`--cached-only`, its V8 flags, `api/main.ts`) with the environment deploy/deploy_service.sh gives Cloud Run (`LOG_LEVEL`, `RECOMMENDER`, cache and rate settings …), local stand-ins for the cloud services named in its row, and on every request the trace and forwarding headers Cloud Run's front end adds. The API alone (`api/main.ts`, `LOG_LEVEL=warning`) is what this benchmark measured before. The bare `Deno.serve` hello-world is the ceiling. Load is `wrk -t2 -c32 --latency` on 127.0.0.1, with wrk on the same 2 cores as the server, so absolute figures understate a real deployment and the ratio to the bare server is the figure to compare. Cached reads are measured after a warming request (public cached GETs are then answered from stored response bytes ahead of the middleware chain, api/cached_responses.ts); user recommendations with a cache hit for one user (the API checks the store's cheap history version, then serves the cached list as stored JSON text); cache misses with a one-entry cache (`CACHE_MAX_ENTRIES=1`, the only setting changed) while wrk rotates through the tokens of the MovieLens users with 100–300 ratings, one request at a time. Tokens are HS256 JWTs signed as local auth signs them (api/auth/local.ts).",
  "**Cold start.** From spawning `deno run -A api/main.ts` to the first 200 answer of `/api/recommendations/user/me` (the benchmark polls every 5 ms), with Deno's module cache warm (the load phase already ran the same code); median of 3.",
  "**Memory.** `VmHWM` (peak resident set) from /proc/<pid>/status of the API process, after its load runs, with the Dockerfile's V8 flags; one row repeats the ml-latest-small figure with Deno's defaults for comparison. The 100k catalogue is written through the store API: 100,000 movies with stats, 100,000 × 384 float32 `minilm` embeddings and 20 users × 200 ratings; no precomputed neighbours.",
  "**Pipeline.** `runPipeline` step by step with `force`, on a fresh temp store, tfidf embeddings. The tiny one-node test model from tests/fixtures times the transformers.js plumbing only; MiniLM itself is timed by `deno task bench:minilm` (the MiniLM section below), since it needs the model that `deno task minilm` builds.",
];

function parseArgs(args: string[]) {
  const known = new Set(["--quick", "--no-write", "--help", "-h"]);
  for (const arg of args) {
    if (!known.has(arg)) {
      throw new ConfigError([
        `Unknown argument "${arg}": expected --quick, --no-write or --help`,
      ]);
    }
  }
  return {
    quick: args.includes("--quick"),
    write: !args.includes("--no-write"),
    help: args.includes("--help") || args.includes("-h"),
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function main(args: string[]): Promise<number> {
  let options;
  let config;
  try {
    options = parseArgs(args);
    if (options.help) {
      console.log(HELP);
      return 0;
    }
    config = configFromEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  const machine = await describeMachine();
  const started = performance.now();
  const log = (line: string) =>
    console.error(
      `[${
        ((performance.now() - started) / 1000).toFixed(0).padStart(3)
      }s] ${line}`,
    );
  const tempDir = await Deno.makeTempDir({ prefix: "movielens_bench_" });
  const rows: BenchRow[] = [];
  const sections: { title: string; body: string }[] = [];
  try {
    rows.push(
      ...await benchKernel({
        sizes: options.quick ? [10_000] : [10_000, 100_000],
        referenceDir: `${config.dataDir}/bench`,
        tempDir,
        log,
      }),
    );

    const movielensDir = config.MOVIELENS_DIR ??
      `${REPO}../shared/data/ml-latest-small`;
    if (!(await exists(`${movielensDir}/ratings.csv`))) {
      log(
        `skipping pipeline and API phases: no ratings.csv in ${movielensDir}`,
      );
      rows.push({
        phase: "pipeline",
        measure: "all later phases",
        value: "skipped",
        note:
          `ml-latest-small not found in ${movielensDir} (set MOVIELENS_DIR)`,
      });
    } else {
      log("pipeline: ml-latest-small (tfidf)");
      const dataDir = `${tempDir}/ml-latest-small`;
      const counts = await ratingCounts(`${movielensDir}/ratings.csv`);
      const user = closestUser(counts, 200);
      rows.push(
        ...await benchPipeline({
          movielensDir,
          dataDir,
          tinyDir: `${tempDir}/tiny`,
          ratings: [...counts.values()].reduce((sum, n) => sum + n, 0),
        }),
      );
      let syntheticDir: string | null = null;
      let syntheticUsers: string[] = [];
      if (!options.quick) {
        log("synthetic 100k catalogue: writing through the store API");
        syntheticDir = `${tempDir}/synthetic-100k`;
        const writeStarted = performance.now();
        syntheticUsers = await writeSyntheticCatalog({ dataDir: syntheticDir });
        rows.push({
          phase: "pipeline",
          measure: "write 100k movies + 384-dim embeddings (store API, SQLite)",
          value: `${((performance.now() - writeStarted) / 1000).toFixed(1)} s`,
        });
      }
      if (!(await commandExists("wrk"))) {
        rows.push({
          phase: "api",
          measure: "load, cold start and memory",
          value: "skipped",
          note: "wrk is not installed (apt-get install -y wrk)",
        });
      } else {
        // users with 100-300 ratings, so that each request is like the target's
        const rotationUsers = [...counts].filter(([, n]) =>
          n >= 100 && n <= 300
        ).map(([id]) => `ml:${id}`);
        const shipped = await shippedPhase({
          dataDir,
          tempDir,
          user: `ml:${user.userId}`,
          rotationUsers,
          duration: options.quick ? 2 : 3,
          rounds: options.quick ? 1 : 5,
          log,
        });
        rows.push(...shipped.rows);
        sections.push({ title: "Shipped vs API alone", body: shipped.section });
        rows.push(
          ...await benchApi({
            dataDir,
            syntheticDir,
            syntheticUsers,
            user: `ml:${user.userId}`,
            userRatings: user.ratings,
            rotationUsers,
            tempDir,
            duration: options.quick ? 2 : 5,
            coldStarts: 3,
            log,
          }),
        );
      }
    }
  } finally {
    await Deno.remove(tempDir, { recursive: true });
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(textTable(rows));
  if (options.write) {
    const path = `${REPO}docs/BENCHMARKS.md`;
    const previous = await Deno.readTextFile(path).catch((error) => {
      if (error instanceof Deno.errors.NotFound) return "";
      throw error;
    });
    await Deno.writeTextFile(
      path,
      benchmarkDocument({
        machine,
        command: `deno task bench${options.quick ? " --quick" : ""}`,
        seconds,
        rows,
        notes: NOTES,
        sections,
        previous,
      }),
    );
    // formatted like every other file, so that `deno task check` stays clean
    await run(Deno.execPath(), ["fmt", "--quiet", path]);
    log(`wrote ${path}`);
  }
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
