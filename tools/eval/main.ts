/**
 * `deno task eval`: offline evaluation of every recommendation method on a
 * MovieLens folder (the CSV releases such as ml-latest-small, or the classic
 * ml-1m / ml-100k files). Prints the tables, writes docs/EVALUATION.md and
 * docs/ndcg.svg. Progress goes to stderr.
 *
 *   deno task eval [--data ../shared/data/ml-latest-small]
 *     [--protocol random|temporal|new-users|onboarding|both|all] [--k 10,20]
 *     [--seed 42] [--repeats 3] [--lambdas 125,250,500,1000] [--samples 1000]
 *     [--out docs] [--no-write] [--no-research] [--no-search] [--only-search]
 *
 * The random protocol runs `--repeats` times (seeds seed, seed + 1, …; the
 * research rows on the first only) and the report gives the spread.
 *
 * The "hybrid" row is what the API serves with this configuration: the
 * embedder `deno task pipeline` would use (EMBEDDER, falling back to TF-IDF
 * as a first start does when the MiniLM model is absent), trained and
 * assembled by the same code. The search section measures `GET /api/search`
 * on the judged query set (tools/eval/search.ts).
 */
import { configFromEnv } from "../../config/mod.ts";
import type { EmbeddingMatrix, Interaction, Movie } from "../../core/types.ts";
import {
  minilmEmbedder,
  missingModelFiles,
} from "../../pipeline/embedders/minilm.ts";
import type { Embedder } from "../../pipeline/embedders/embedder.ts";
import {
  embeddingModel,
  OFFLINE_EMBEDDING_MODEL,
} from "../../pipeline/embedders/mod.ts";
import { tfidfEmbedder } from "../../pipeline/embedders/tfidf.ts";
import { loadEvalDataset } from "./data.ts";
import { runSearchEvaluation, type SearchEvaluation } from "./search.ts";
import { searchMarkdown, withSearchSection } from "./search_report.ts";
import { ndcgChart } from "./chart.ts";
import { evaluationMarkdown, hybridVerdict, resultTables } from "./report.ts";
import { evaluateOnboarding } from "./onboarding_protocol.ts";
import {
  type EvalOptions,
  evaluateProtocol,
  type Protocol,
  type ProtocolResult,
  PROTOCOLS,
} from "./run.ts";
import {
  consoleProgress,
  type ProgressReporter,
} from "../../pipeline/progress.ts";

/** Parsed command line of `deno task eval`. */
export interface EvalArgs {
  data: string;
  protocols: Protocol[];
  ks: number[];
  seed: number;
  lambdas: number[];
  samples: number;
  out: string;
  write: boolean;
  /** Also evaluate the research methods (re-tuned hybrid, learned blend). */
  research: boolean;
  /** Also measure search on the judged query set. */
  search: boolean;
  /**
   * Measure search only and replace the search section of the existing
   * EVALUATION.md (the recommender sections are left as they are).
   */
  onlySearch: boolean;
  /** Runs of the random protocol, over consecutive seeds. */
  repeats: number;
}

/** Parses the command line; throws with the offending flag on bad input. */
export function parseEvalArgs(args: string[]): EvalArgs {
  const parsed: EvalArgs = {
    data: "../shared/data/ml-latest-small",
    protocols: [...PROTOCOLS],
    ks: [10, 20],
    seed: 42,
    lambdas: [125, 250, 500, 1000],
    samples: 1000,
    out: "docs",
    write: true,
    research: true,
    search: true,
    onlySearch: false,
    repeats: 3,
  };
  const numbers = (flag: string, text: string) =>
    text.split(",").map((t) => {
      const n = Number(t);
      if (!Number.isFinite(n) || n <= 0) {
        throw new Error(`${flag}: expected positive numbers, found "${text}"`);
      }
      return n;
    });
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (flag === "--no-write") {
      parsed.write = false;
      continue;
    }
    if (flag === "--no-research") {
      parsed.research = false;
      continue;
    }
    if (flag === "--no-search") {
      parsed.search = false;
      continue;
    }
    if (flag === "--only-search") {
      parsed.onlySearch = true;
      continue;
    }
    const value = args[++i];
    if (value === undefined) throw new Error(`${flag}: expected a value`);
    switch (flag) {
      case "--data":
        parsed.data = value;
        break;
      case "--protocol":
        if (value === "all") parsed.protocols = [...PROTOCOLS];
        else if (value === "both") parsed.protocols = ["random", "temporal"];
        else if ((PROTOCOLS as readonly string[]).includes(value)) {
          parsed.protocols = [value as Protocol];
        } else {
          throw new Error(
            `--protocol: expected ${
              PROTOCOLS.join(", ")
            }, both (random and temporal) or all, found "${value}"`,
          );
        }
        break;
      case "--k":
        parsed.ks = numbers(flag, value).map(Math.floor);
        break;
      case "--seed":
        parsed.seed = numbers(flag, value)[0];
        break;
      case "--lambdas":
        parsed.lambdas = numbers(flag, value);
        break;
      case "--repeats":
        parsed.repeats = Math.floor(numbers(flag, value)[0]);
        break;
      case "--samples":
        parsed.samples = Math.floor(numbers(flag, value)[0]);
        break;
      case "--out":
        parsed.out = value;
        break;
      default:
        throw new Error(`Unknown flag "${flag}"`);
    }
  }
  return parsed;
}

/** Embeds every movie into one matrix ordered like `movies`. */
export async function embedAll(
  embedder: Embedder,
  movies: Movie[],
): Promise<EmbeddingMatrix> {
  const vectors = await embedder.embed(movies);
  const dim = vectors[0]?.length ?? 0;
  const packed = new Float32Array(movies.length * dim);
  vectors.forEach((v, i) => packed.set(v, i * dim));
  return { ids: Int32Array.from(movies, (m) => m.id), dim, vectors: packed };
}

/** The embedders available offline: tfidf always, MiniLM when its files are in MODEL_DIR. */
async function embeddings(
  movies: Movie[],
  progress: ProgressReporter,
): Promise<Record<string, EmbeddingMatrix>> {
  const out: Record<string, EmbeddingMatrix> = {};
  out.tfidf = await embedAll(tfidfEmbedder(movies), movies);
  const config = configFromEnv();
  const folder = `${config.modelDir}/${config.EMBEDDING_MODEL}`;
  const missing = await missingModelFiles(folder, config.EMBEDDING_DTYPE);
  if (missing.length === 0) {
    progress.log(
      `embedding ${movies.length} movies with ${folder} (${config.EMBEDDING_DTYPE})`,
    );
    const embedder = minilmEmbedder({
      model: config.EMBEDDING_MODEL,
      modelDir: config.modelDir,
      allowRemote: false,
      batchSize: config.EMBED_BATCH_SIZE,
      dtype: config.EMBEDDING_DTYPE,
    });
    try {
      out.minilm = await embedAll(embedder, movies);
    } finally {
      await embedder.dispose();
    }
  } else {
    progress.log(
      `no MiniLM model in ${folder} (missing ${
        missing.join(", ")
      }): content-minilm skipped`,
    );
  }
  return out;
}

/**
 * NDCG at the first k of the random protocol over `args.repeats` seeds:
 * `first` (run with `args.seed`) and runs with the next seeds, research
 * rows aside.
 */
function repeatRandom(
  ratings: Interaction[],
  first: ProtocolResult,
  options: EvalOptions,
  args: EvalArgs,
): NonNullable<ProtocolResult["repeats"]> {
  const k = args.ks.includes(10) ? 10 : args.ks[0];
  const seeds = Array.from({ length: args.repeats }, (_, i) => args.seed + i);
  const runs = [
    first,
    ...seeds.slice(1).map((seed) =>
      evaluateProtocol(ratings, {
        ...options,
        protocol: "random",
        seed,
        ks: [k],
        research: false,
      })
    ),
  ];
  const names = runs[1]?.methods.map((m) => m.name) ?? [];
  const ndcg: Record<string, number[]> = {};
  for (const name of names) {
    ndcg[name] = runs.map((r) =>
      r.methods.find((m) => m.name === name)?.byK[k].metrics.ndcg.mean ?? NaN
    );
  }
  return { k, seeds, ndcg };
}

/** Runs the evaluation and returns its results (the CLI's library entry point). */
export async function runEvaluation(
  args: EvalArgs,
  progress: ProgressReporter,
): Promise<ProtocolResult[]> {
  const data = await loadEvalDataset(args.data);
  progress.log(
    `loaded ${data.movies.length} movies, ${data.ratings.length} ratings from ${args.data}`,
  );
  const matrices = await embeddings(data.movies, progress);
  let servedEmbedding = embeddingModel(configFromEnv());
  if (!matrices[servedEmbedding]) {
    progress.log(
      `no ${servedEmbedding} embeddings: the served hybrid uses ${OFFLINE_EMBEDDING_MODEL}, as a first start would`,
    );
    servedEmbedding = OFFLINE_EMBEDDING_MODEL;
  }
  const results: ProtocolResult[] = [];
  for (const protocol of args.protocols) {
    const options: EvalOptions = {
      protocol,
      catalogueIds: data.movies.map((m) => m.id),
      ks: args.ks,
      seed: args.seed,
      embeddings: matrices,
      servedEmbedding,
      lambdas: args.lambdas,
      research: args.research,
      bootstrapSamples: args.samples,
      progress,
    };
    const result = protocol === "onboarding"
      ? evaluateOnboarding(data.ratings, options)
      : evaluateProtocol(data.ratings, { ...options, protocol });
    if (protocol === "random" && result.users > 0 && args.repeats > 1) {
      result.repeats = repeatRandom(data.ratings, result, options, args);
    }
    if (result.users > 0) results.push(result);
    else {
      progress.log(
        `[${protocol}] skipped: no test user has a liked held-out movie (${args.data} is too small for this protocol)`,
      );
    }
  }
  if (results.length === 0) {
    throw new Error(
      `Nothing to evaluate in ${args.data}: expected users with enough ratings (5 for random, 10 for temporal, 20 for new-users, 2 for onboarding) and a liked held-out movie`,
    );
  }
  return results;
}

if (import.meta.main) {
  const started = performance.now();
  // One line per step in logs: per-method ranking takes seconds, not minutes.
  const progress = consoleProgress({ everyPercent: 100 });
  let args: EvalArgs;
  let results: ProtocolResult[];
  let search: SearchEvaluation | null = null;
  try {
    args = parseEvalArgs(Deno.args);
    results = args.onlySearch ? [] : await runEvaluation(args, progress);
    if (args.search || args.onlySearch) {
      const config = configFromEnv();
      search = await runSearchEvaluation({
        dataset: args.data,
        dataDir: config.dataDir,
        config,
        progress,
      });
    }
  } catch (error) {
    // Bad data or a folder too small: the message says what; a stack would not.
    console.error(`eval failed: ${(error as Error).message}`);
    Deno.exit(1);
  }
  const seconds = (performance.now() - started) / 1000;
  for (const r of results) {
    for (const k of args.ks) {
      console.log(`\n${r.protocol} protocol, k = ${k}\n${resultTables(r, k)}`);
    }
    const k = args.ks.includes(10) ? 10 : args.ks[0];
    console.log(`\nhybrid vs others (NDCG@${k}): ${hybridVerdict(r, k)}`);
  }
  if (args.write && args.onlySearch && search) {
    const path = `${args.out}/EVALUATION.md`;
    const before = await Deno.readTextFile(path).catch(() => "");
    await Deno.writeTextFile(
      path,
      withSearchSection(before, searchMarkdown(search)),
    );
    progress.log(`wrote the search section of ${path}`);
  } else if (args.write) {
    const servedBuilds = results.map((r) =>
      `${r.protocol}: ${
        (r.served.trainMs / 1000).toFixed(1)
      } s (EASE over ${r.served.easeItems} movies)`
    );
    const markdown = evaluationMarkdown(results, {
      command: ["deno task eval", ...Deno.args].join(" "),
      dataDir: args.data,
      seed: args.seed,
      ks: args.ks,
      embedders: (results[0]?.methods ?? [])
        .filter((m) => m.name.startsWith("content-"))
        .map((m) => m.name.slice("content-".length)),
      runtimeSeconds: seconds,
      easeBuild:
        `Training and tuning every served model on the training split: ${
          servedBuilds.join(", ")
        }.`,
    });
    await Deno.mkdir(args.out, { recursive: true });
    await Deno.writeTextFile(
      `${args.out}/EVALUATION.md`,
      search ? `${markdown}\n${searchMarkdown(search)}` : markdown,
    );
    await Deno.writeTextFile(
      `${args.out}/ndcg.svg`,
      ndcgChart(results, args.ks.includes(10) ? 10 : args.ks[0]),
    );
    progress.log(`wrote ${args.out}/EVALUATION.md and ${args.out}/ndcg.svg`);
  }
  progress.log(`done in ${seconds.toFixed(0)} s`);
}
