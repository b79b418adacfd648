/**
 * Measures search on the judged query set (tools/eval/search_judged.ts):
 * search by description as the API serves it (`buildServing` over a store
 * the pipeline filled, TF-IDF or MiniLM) beside title search (the browse
 * page's `store.movies.query`), on description queries (NDCG@10, hit rate,
 * recall) and on title queries (the movie first, reciprocal rank).
 */
import { type Config, parseConfig } from "../../config/mod.ts";
import { hitRateAtK, ndcgAtK, recallAtK } from "../../core/metrics.ts";
import {
  DEFAULT_SEARCH_WEIGHTS,
  type SearchWeights,
} from "../../core/search/rank.ts";
import type { Movie } from "../../core/types.ts";
import { readDatasetMovies } from "../../pipeline/dataset.ts";
import { computeMovieStats } from "../../pipeline/precompute.ts";
import {
  type ProgressReporter,
  silentProgress,
} from "../../pipeline/progress.ts";
import { runPipeline } from "../../pipeline/run.ts";
import { buildServing } from "../../serving/mod.ts";
import { FolderObjectStorage, openSqliteStore } from "../../store/mod.ts";
import type { Store } from "../../store/types.ts";
import {
  DESCRIPTION_QUERIES,
  type JudgedQuery,
  TITLE_QUERIES,
  type TitleQuery,
} from "./search_judged.ts";

/** Results looked at per query. */
export const SEARCH_K = 10;

/** A way of searching: the movie ids it returns for a query, best first. */
export interface SearchMethod {
  name: string;
  rank(query: string, k: number): Promise<number[]>;
}

/** The judged queries with their movies resolved to ids. */
export interface ResolvedJudgements {
  descriptions: { query: string; relevant: Set<number> }[];
  titles: { query: string; movieId: number }[];
}

/** Thrown when a judged title is not in the dataset. */
export class JudgementError extends Error {
  constructor(query: string, title: string) {
    super(
      `Judged query "${query}" expects "${title}", which is not in movies.csv: expected "Title (Year)" as MovieLens files it`,
    );
    this.name = "JudgementError";
  }
}

/**
 * Resolves "Title (Year)" to movie ids; throws `JudgementError` naming the
 * first title the dataset does not have.
 *
 * @example
 * const judged = resolveJudgements(movies);
 */
export function resolveJudgements(
  movies: readonly Movie[],
  descriptions: readonly JudgedQuery[] = DESCRIPTION_QUERIES,
  titles: readonly TitleQuery[] = TITLE_QUERIES,
): ResolvedJudgements {
  const ids = new Map(
    movies.map((
      m,
    ) => [m.year === null ? m.title : `${m.title} (${m.year})`, m.id]),
  );
  const idOf = (query: string, title: string) => {
    const id = ids.get(title);
    if (id === undefined) throw new JudgementError(query, title);
    return id;
  };
  return {
    descriptions: descriptions.map(({ query, expected }) => ({
      query,
      relevant: new Set(expected.map((title) => idOf(query, title))),
    })),
    titles: titles.map(({ query, expected }) => ({
      query,
      movieId: idOf(query, expected),
    })),
  };
}

/** One method's scores on the judged set. */
export interface SearchScores {
  method: string;
  /** Means over description queries. */
  ndcg: number;
  hitRate: number;
  recall: number;
  /** Share of title queries whose movie comes first. */
  titleFirst: number;
  /** Mean reciprocal rank of the titled movie (0 beyond `SEARCH_K`). */
  titleMrr: number;
  /** NDCG@10 per description query, in judged order. */
  perQuery: { query: string; ndcg: number }[];
  /** Mean milliseconds per query (informative only: the machine is shared). */
  msPerQuery: number;
}

const mean = (values: number[]) =>
  values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;

/**
 * Scores `method` on every judged query.
 *
 * @example
 * const scores = await evaluateSearch(method, resolveJudgements(movies));
 */
export async function evaluateSearch(
  method: SearchMethod,
  judged: ResolvedJudgements,
): Promise<SearchScores> {
  const started = performance.now();
  const perQuery: SearchScores["perQuery"] = [];
  const hits: number[] = [];
  const recalls: number[] = [];
  for (const { query, relevant } of judged.descriptions) {
    const ranked = await method.rank(query, SEARCH_K);
    perQuery.push({ query, ndcg: ndcgAtK(ranked, { relevant, k: SEARCH_K }) });
    hits.push(hitRateAtK(ranked, { relevant, k: SEARCH_K }));
    recalls.push(recallAtK(ranked, { relevant, k: SEARCH_K }));
  }
  const reciprocal: number[] = [];
  for (const { query, movieId } of judged.titles) {
    const rank = (await method.rank(query, SEARCH_K)).indexOf(movieId);
    reciprocal.push(rank < 0 ? 0 : 1 / (rank + 1));
  }
  const queries = judged.descriptions.length + judged.titles.length;
  return {
    method: method.name,
    ndcg: mean(perQuery.map((q) => q.ndcg)),
    hitRate: mean(hits),
    recall: mean(recalls),
    titleFirst: mean(reciprocal.map((r) => (r === 1 ? 1 : 0))),
    titleMrr: mean(reciprocal),
    perQuery,
    msPerQuery: (performance.now() - started) / queries,
  };
}

/**
 * Search by description as the API serves it from `store`: one method per
 * set of weights (the first named after the model alone).
 */
export async function descriptionSearchMethods(
  store: Store,
  config: Config,
  weights: readonly SearchWeights[] = [DEFAULT_SEARCH_WEIGHTS],
): Promise<SearchMethod[]> {
  const serving = await buildServing(store, config);
  const model = serving.search.model ?? "none";
  return weights.map((w, i) => ({
    name: i === 0
      ? `description (${model})`
      : `description (${model}, ${
        Object.entries(w).map(([k, v]) => `${k} ${v}`).join(", ")
      })`,
    async rank(query, k) {
      const { items } = await serving.search.search(query, {
        limit: k,
        weights: w,
      });
      return items.map((item) => item.movie.id);
    },
  }));
}

/** Title search as the browse page runs it (substring, most popular first). */
export function titleSearchMethod(store: Store): SearchMethod {
  return {
    name: "title search",
    async rank(query, k) {
      const page = await store.movies.query({ q: query, offset: 0, limit: k });
      return page.items.map((m) => m.id);
    },
  };
}

/** Options of `prepareSearchStore`. */
export interface PrepareSearchStoreOptions {
  /** MovieLens folder. */
  dataset: string;
  /** Folder of the store; kept, so that MiniLM vectors are embedded once. */
  dir: string;
  embedder: "tfidf" | "minilm";
  /** Where the MiniLM model is (MODEL_DIR). */
  modelDir?: string;
  progress?: ProgressReporter;
}

/**
 * A SQLite store the pipeline filled (download from the local folder,
 * embed, load, rating statistics) with one embedder. Reruns reuse what is
 * there: unchanged movies are not embedded again.
 *
 * @example
 * const { store, config } = await prepareSearchStore({ dataset, dir, embedder: "tfidf" });
 */
export async function prepareSearchStore(
  options: PrepareSearchStoreOptions,
): Promise<{ store: Store; config: Config }> {
  const config = parseConfig({
    DATA_DIR: options.dir,
    MOVIELENS_DIR: options.dataset,
    EMBEDDER: options.embedder,
    ALLOW_REMOTE_MODELS: "false",
    HYBRID_TUNE: "false",
    LOG_LEVEL: "error",
    ...(options.modelDir ? { MODEL_DIR: options.modelDir } : {}),
  });
  await Deno.mkdir(options.dir, { recursive: true });
  const store = await openSqliteStore(`${options.dir}/movielens.db`);
  const progress = options.progress ?? silentProgress;
  try {
    await runPipeline(
      {
        config,
        store,
        objects: new FolderObjectStorage(`${options.dir}/objects`),
        progress,
      },
      ["download", "embed", "load"],
    );
    await computeMovieStats(store, progress);
  } catch (error) {
    await store.close();
    throw error;
  }
  return { store, config };
}

/** True when the MiniLM model files are in `modelDir` (else MiniLM is skipped). */
export async function minilmPresent(config: Config): Promise<boolean> {
  const folder = `${config.modelDir}/${config.EMBEDDING_MODEL}`;
  return await Deno.stat(`${folder}/onnx/model.onnx`).then(
    (info) => info.isFile,
    (error) => {
      if (error instanceof Deno.errors.NotFound) return false;
      throw error;
    },
  );
}

/** Weights tried beside the served ones (docs/EVALUATION.md shows them all). */
export const SEARCH_WEIGHT_GRID: SearchWeights[] = [
  { ...DEFAULT_SEARCH_WEIGHTS, popularity: 0 },
  { ...DEFAULT_SEARCH_WEIGHTS, popularity: 0.5 },
  { ...DEFAULT_SEARCH_WEIGHTS, popularity: 2 },
  { ...DEFAULT_SEARCH_WEIGHTS, title: 0.5 },
  { ...DEFAULT_SEARCH_WEIGHTS, title: 2 },
  { ...DEFAULT_SEARCH_WEIGHTS, exactTitle: 0 },
];

/** Everything the search section of docs/EVALUATION.md reports. */
export interface SearchEvaluation {
  /** Search by description per embedder (served weights), then title search. */
  runs: SearchScores[];
  /** Search by description with the other weights of `SEARCH_WEIGHT_GRID`. */
  sweep: SearchScores[];
  /** Embedders not measured, with why. */
  skipped: string[];
  descriptionQueries: number;
  titleQueries: number;
}

/** Options of `runSearchEvaluation`. */
export interface RunSearchEvaluationOptions {
  dataset: string;
  /** Where the MiniLM store is kept between runs (DATA_DIR/search-eval/minilm). */
  dataDir: string;
  /** MODEL_DIR and EMBEDDING_MODEL: MiniLM runs when its model is there. */
  config: Config;
  progress?: ProgressReporter;
}

/**
 * The judged set through search by description (TF-IDF in a temp store;
 * MiniLM in a kept store when its model is present) and title search.
 *
 * @example
 * const evaluation = await runSearchEvaluation({ dataset, dataDir, config });
 */
export async function runSearchEvaluation(
  options: RunSearchEvaluationOptions,
): Promise<SearchEvaluation> {
  const { dataset, config, progress } = options;
  const judged = resolveJudgements(await readDatasetMovies(dataset));
  const runs: SearchScores[] = [];
  const sweep: SearchScores[] = [];
  const skipped: string[] = [];
  let title: SearchScores | null = null;
  const measure = async (embedder: "tfidf" | "minilm", dir: string) => {
    const { store, config: storeConfig } = await prepareSearchStore({
      dataset,
      dir,
      embedder,
      modelDir: config.modelDir,
      progress,
    });
    try {
      const [served, ...others] = await descriptionSearchMethods(
        store,
        storeConfig,
        [DEFAULT_SEARCH_WEIGHTS, ...SEARCH_WEIGHT_GRID],
      );
      runs.push(await evaluateSearch(served, judged));
      for (const method of others) {
        sweep.push(await evaluateSearch(method, judged));
      }
      title ??= await evaluateSearch(titleSearchMethod(store), judged);
    } finally {
      await store.close();
    }
  };
  const temp = await Deno.makeTempDir({ prefix: "search_eval_" });
  try {
    await measure("tfidf", temp);
  } finally {
    await Deno.remove(temp, { recursive: true });
  }
  if (await minilmPresent(config)) {
    await measure("minilm", `${options.dataDir}/search-eval/minilm`);
  } else {
    skipped.push(
      `minilm: no converted model in ${config.modelDir}/${config.EMBEDDING_MODEL} (tools/minilm builds it)`,
    );
  }
  return {
    runs: [...runs, title!],
    sweep,
    skipped,
    descriptionQueries: judged.descriptions.length,
    titleQueries: judged.titles.length,
  };
}
