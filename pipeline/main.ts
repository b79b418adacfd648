/**
 * CLI: `deno task pipeline [download|embed|load|precompute|posters|all] [--force]`.
 * A thin wrapper: configuration from the environment, then `runPipeline`.
 */
import { ConfigError, configFromEnv } from "../config/mod.ts";
import { openObjectStorage, openStore } from "../store/mod.ts";
import { isKnownPipelineFailure } from "./first_start.ts";
import { consoleProgress } from "./progress.ts";
import { runPipeline, STEP_NAMES, type StepName } from "./run.ts";

const HELP = `Usage: deno task pipeline [step] [--force]

Steps (default: all, in this order):
  download    get the MovieLens zip (MOVIELENS_VARIANT; cached in object storage)
              or use MOVIELENS_DIR / MOVIELENS_ZIP, and extract it
  embed       embed every movie (EMBEDDER=minilm|tfidf); only changed texts;
              CLOUD_RUN_TASK_INDEX/COUNT shard the work
  load        movies and ratings into the store (idempotent)
  precompute  rating stats, NEIGHBOURS_K neighbours, serving artifact
  posters     poster paths from TMDB (TMDB_API_KEY or TMDB_READ_ACCESS_TOKEN;
              skipped without); only missing, failed or stale ones
  all         every step above

Options:
  --force     redo steps even when their inputs are unchanged
  --help      this text

Configuration comes from the environment; see .env.sample.`;

/** A bad command line. */
class UsageError extends Error {}

function parseArgs(args: string[]): { steps: StepName[]; force: boolean } {
  let steps: StepName[] = [...STEP_NAMES];
  let force = false;
  const known = new Set<string>([...STEP_NAMES, "all"]);
  const named: string[] = [];
  for (const arg of args) {
    if (arg === "--force") force = true;
    else if (arg.startsWith("-")) {
      throw new UsageError(
        `Unknown option "${arg}": expected --force or --help`,
      );
    } else if (!known.has(arg)) {
      throw new UsageError(
        `Unknown step "${arg}": expected one of ${[...known].join(", ")}`,
      );
    } else named.push(arg);
  }
  if (named.length && !named.includes("all")) {
    // Run named steps in pipeline order whatever order they were given in.
    steps = STEP_NAMES.filter((s) => named.includes(s));
  }
  return { steps, force };
}

async function main(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(HELP);
    return 0;
  }
  let parsed;
  let config;
  try {
    parsed = parseArgs(args);
    config = configFromEnv();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  await Deno.mkdir(config.dataDir, { recursive: true });
  const started = performance.now();
  const store = await openStore(config);
  try {
    const objects = openObjectStorage(config);
    const progress = consoleProgress();
    await runPipeline(
      { config, store, objects, progress },
      parsed.steps,
      { force: parsed.force },
    );
    progress.log(
      `pipeline done in ${((performance.now() - started) / 1000).toFixed(2)}s`,
    );
  } catch (error) {
    // Bad input data or a missing model: the message says it all, no stack.
    if (isKnownPipelineFailure(error)) {
      console.error(`pipeline failed: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await store.close();
  }
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
