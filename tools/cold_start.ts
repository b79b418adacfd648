/**
 * CLI: `deno run -A tools/cold_start.ts [--runs 3] [--recommender content]`.
 * Measures the API's
 * cold start — process start to the first `/api/recommendations/user/me`
 * answered — on ml-latest-small in the embedded SQLite store (tfidf), with
 * the serving artifact in object storage and without it (embeddings read
 * from the store's rows), and prints a Markdown table of medians.
 *
 * It runs the pipeline once into a temp DATA_DIR, then spawns
 * `deno run -A api/main.ts` per run on a free port, with OBJECT_DIR pointing
 * at the pipeline's objects (artifact) or at an empty folder (store), signs
 * a local-auth token for MovieLens user 1, and polls until it is answered.
 * Runs alternate between the two variants after one discarded warm-up.
 */
import { SignJWT } from "jose";
import { LOCAL_ISSUER } from "../api/auth/local.ts";
import { parseConfig } from "../config/mod.ts";
import { FolderObjectStorage, openSqliteStore } from "../store/mod.ts";
import { silentProgress } from "../pipeline/progress.ts";
import { runPipeline } from "../pipeline/run.ts";

const REPO = new URL("..", import.meta.url).pathname;
/** ml-latest-small beside the repo (CI clones the repo next to ../shared). */
export const DATASET_DIR = new URL(
  "../../shared/data/ml-latest-small",
  import.meta.url,
).pathname;
const SECRET = "cold-start-secret-that-is-long-enough-0123456789";
const USER = "ml:1";
const PATH = "/api/recommendations/user/me?limit=20";

/** Which embeddings source a run starts from. */
export type Variant = "artifact" | "store";

/** One measured start. */
export interface ColdStartRun {
  variant: Variant;
  /** Spawn to the first recommendations answered (200). */
  totalMs: number;
  /** Spawn to the "API listening" log line. */
  listeningMs: number | null;
  /** Loading embeddings, as the API logs it ("Embeddings loaded" ms). */
  embeddingsMs: number | null;
  /** Building all serving state, catalogue included ("Serving ready" ms). */
  servingMs: number | null;
  /** The source the API says it used. */
  source: string | null;
}

/** Median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

/** Runs the pipeline (tfidf) into `dataDir`; returns its objects folder. */
export async function prepareDataDir(dataDir: string): Promise<string> {
  const config = parseConfig({
    DATA_DIR: dataDir,
    MOVIELENS_DIR: DATASET_DIR,
    EMBEDDER: "tfidf",
  });
  const store = await openSqliteStore(`${dataDir}/movielens.db`);
  try {
    await runPipeline({
      config,
      store,
      objects: new FolderObjectStorage(config.objectDir),
      progress: silentProgress,
    });
  } finally {
    await store.close();
  }
  return config.objectDir;
}

async function userToken(): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return await new SignJWT({ email: "cold-start@example.com" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(USER)
    .setAudience("authenticated")
    .setIssuer(LOCAL_ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(new TextEncoder().encode(SECRET));
}

/** Reads the child's JSON log lines as they come, timed from `started`. */
async function collectLogs(
  stream: ReadableStream<Uint8Array>,
  started: number,
  into: { at: number; entry: Record<string, unknown> }[],
): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (!line.startsWith("{")) continue;
      into.push({ at: performance.now() - started, entry: JSON.parse(line) });
    }
  }
}

/** Options of `measureStart`. */
export interface MeasureStartOptions {
  dataDir: string;
  /** Object storage folder: the pipeline's (artifact) or an empty one. */
  objectDir: string;
  variant: Variant;
  token: string;
  /** `RECOMMENDER` of the API (default content). */
  recommender?: string;
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
}

/** Starts the API once and times its first personalised answer. */
export async function measureStart(
  options: MeasureStartOptions,
): Promise<ColdStartRun> {
  const port = freePort();
  const logs: { at: number; entry: Record<string, unknown> }[] = [];
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${REPO}api/main.ts`],
    cwd: REPO,
    // Empty values mean "unset" to config/mod.ts: no cloud service from the
    // caller's environment leaks into the measurement.
    env: {
      DATA_DIR: options.dataDir,
      OBJECT_DIR: options.objectDir,
      PORT: String(port),
      STORE: "sqlite",
      EMBEDDER: "tfidf",
      RECOMMENDER: options.recommender ?? "content",
      VECTOR_SEARCH: "memory",
      LOCAL_AUTH_SECRET: SECRET,
      LOG_LEVEL: "info",
      MONGODB_URI: "",
      GCS_BUCKET: "",
      SUPABASE_URL: "",
      SUPABASE_JWT_SECRET: "",
      UPSTASH_REDIS_REST_URL: "",
      UPSTASH_REDIS_REST_TOKEN: "",
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reading = collectLogs(child.stdout, started, logs);
  const errors = new Response(child.stderr).text();
  const timeout = options.timeoutMs ?? 60_000;
  const url = `http://127.0.0.1:${port}${PATH}`;
  // Its own connection pool, closed before the stop: an idle keep-alive
  // connection would hold the server's graceful shutdown open.
  const client = Deno.createHttpClient({});
  let totalMs: number | null = null;
  try {
    while (performance.now() - started < timeout) {
      try {
        const res = await fetch(url, {
          client,
          headers: { Authorization: `Bearer ${options.token}` },
        });
        const body = await res.text();
        if (res.status === 200) {
          totalMs = performance.now() - started;
          break;
        }
        throw new Error(
          `Expected 200 from ${PATH}, found ${res.status}: ${body}`,
        );
      } catch (error) {
        // Connection refused until the server listens: poll again.
        if (!(error instanceof TypeError)) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    client.close();
    child.kill("SIGTERM");
    await child.status;
    await reading;
  }
  if (totalMs === null) {
    throw new Error(
      `The API did not answer ${PATH} within ${timeout} ms; its stderr:\n${await errors}`,
    );
  }
  await errors;
  const find = (message: string) =>
    logs.find((l) => l.entry.message === message);
  const embeddings = find("Embeddings loaded");
  const ready = find("Serving ready");
  return {
    variant: options.variant,
    totalMs,
    listeningMs: find("API listening")?.at ?? null,
    embeddingsMs: typeof embeddings?.entry.ms === "number"
      ? embeddings.entry.ms
      : null,
    servingMs: typeof ready?.entry.ms === "number" ? ready.entry.ms : null,
    source: typeof embeddings?.entry.source === "string"
      ? embeddings.entry.source
      : null,
  };
}

/** Options of `measureColdStart`. */
export interface ColdStartOptions {
  /** Measured runs per variant (default 3). */
  runs?: number;
  /** `RECOMMENDER` of the API (default content). */
  recommender?: string;
  /** Called once the data is ready (the pipeline takes a minute). */
  onReady?: (seconds: number) => void;
  /** Called after each run (progress). */
  onRun?: (run: ColdStartRun) => void;
}

/**
 * Prepares a temp DATA_DIR, then measures `runs` starts of each variant
 * (interleaved, after one discarded warm-up start).
 */
export async function measureColdStart(
  options: ColdStartOptions = {},
): Promise<ColdStartRun[]> {
  const runs = options.runs ?? 3;
  const dataDir = await Deno.makeTempDir({ prefix: "cold_start_" });
  try {
    const started = performance.now();
    const objectDir = await prepareDataDir(dataDir);
    options.onReady?.((performance.now() - started) / 1000);
    const emptyDir = `${dataDir}/no-objects`;
    await Deno.mkdir(emptyDir);
    const token = await userToken();
    const dirs: Record<Variant, string> = {
      artifact: objectDir,
      store: emptyDir,
    };
    // Warm-up: Deno's module and code caches, the OS page cache.
    const { recommender } = options;
    await measureStart({
      dataDir,
      objectDir,
      variant: "artifact",
      token,
      recommender,
    });
    const results: ColdStartRun[] = [];
    for (let i = 0; i < runs; i++) {
      for (const variant of ["artifact", "store"] as const) {
        const run = await measureStart({
          dataDir,
          objectDir: dirs[variant],
          variant,
          token,
          recommender,
        });
        if (run.source !== variant) {
          throw new Error(
            `Expected the API to load embeddings from the ${variant}, it logged source ${run.source}`,
          );
        }
        options.onRun?.(run);
        results.push(run);
      }
    }
    return results;
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
}

const ms = (value: number | null) =>
  value === null ? "–" : `${Math.round(value)} ms`;

/** A Markdown table of medians (and ranges) per variant. */
export function coldStartTable(results: ColdStartRun[]): string {
  const rows = [
    "| embeddings from | runs | first recommendation (median) | range | listening (median) | serving built in (median) | embeddings loaded in (median) |",
    "| --------------- | ---- | ----------------------------- | ----- | ------------------ | ------------------------- | ----------------------------- |",
  ];
  const labels: Record<Variant, string> = {
    artifact: "serving artifact (1 object)",
    store: "store rows (SQLite)",
  };
  for (const variant of ["artifact", "store"] as const) {
    const runs = results.filter((r) => r.variant === variant);
    if (runs.length === 0) continue;
    const totals = runs.map((r) => r.totalMs);
    const of = (pick: (r: ColdStartRun) => number | null) => {
      const values = runs.map(pick).filter((v): v is number => v !== null);
      return values.length ? median(values) : null;
    };
    const cells = [
      labels[variant],
      String(runs.length),
      ms(median(totals)),
      `${ms(Math.min(...totals))}–${ms(Math.max(...totals))}`,
      ms(of((r) => r.listeningMs)),
      ms(of((r) => r.servingMs)),
      ms(of((r) => r.embeddingsMs)),
    ];
    rows.push(`| ${cells.join(" | ")} |`);
  }
  return rows.join("\n");
}

/** The value after `--name`, or `fallback`. */
function flag(args: string[], name: string, fallback: string): string {
  const at = args.indexOf(name);
  return at < 0 ? fallback : args[at + 1] ?? "";
}

function parseArgs(args: string[]): { runs: number; recommender: string } {
  const runs = Number(flag(args, "--runs", "3"));
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(
      `--runs: expected a positive integer, found "${
        flag(args, "--runs", "")
      }"`,
    );
  }
  const recommender = flag(args, "--recommender", "content");
  if (!/^[a-z]+$/.test(recommender)) {
    throw new Error(
      `--recommender: expected a RECOMMENDER name such as content or hybrid, found "${recommender}"`,
    );
  }
  return { runs, recommender };
}

if (import.meta.main) {
  try {
    await Deno.stat(`${DATASET_DIR}/ratings.csv`);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    console.error(`Expected ml-latest-small in ${DATASET_DIR}; not found.`);
    Deno.exit(1);
  }
  const { runs, recommender } = parseArgs(Deno.args);
  console.error("Preparing ml-latest-small (full pipeline, tfidf)…");
  const results = await measureColdStart({
    runs,
    recommender,
    onReady: (seconds) =>
      console.error(`Data ready in ${seconds.toFixed(0)} s; measuring.`),
    onRun: (r) =>
      console.error(
        `${r.variant}: ${ms(r.totalMs)} (listening ${
          ms(r.listeningMs)
        }, serving ${ms(r.servingMs)}, embeddings ${ms(r.embeddingsMs)})`,
      ),
  });
  console.log(coldStartTable(results));
}
