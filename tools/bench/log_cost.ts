/**
 * What a request line costs, measured in-process: the API app answering
 * requests in a loop (no HTTP), one app per request-log setting on one
 * store, in interleaved batches, timed by this process's CPU time
 * (`process.cpuUsage`), which moves far less than wall time when other work
 * loads the machine. Lines go through the real buffered sink to /dev/null.
 */
import process from "node:process";
import { createApp } from "../../api/app.ts";
import { bufferedSink, jsonLogger } from "../../api/logger.ts";
import { parseConfig } from "../../config/mod.ts";
import { buildServing } from "../../serving/mod.ts";
import { openStore } from "../../store/mod.ts";
import { CLOUD_RUN_HEADERS } from "./configs.ts";
import { benchToken } from "./server.ts";
import { median } from "./stats.ts";

/** The request-log settings compared, by label. */
export const LOG_CHOICES: [string, Record<string, string>][] = [
  ["every ordinary request", { REQUEST_LOG_SAMPLE: "1" }],
  ["1 in 10 ordinary requests (the default)", { REQUEST_LOG_SAMPLE: "0.1" }],
  ["errors and slow requests only", { REQUEST_LOG_SAMPLE: "0" }],
  ["no request lines (LOG_LEVEL=warning)", { LOG_LEVEL: "warning" }],
];

/** Options for `measureLogCost`. */
export interface LogCostOptions {
  /** Store built from ml-latest-small (tfidf). */
  dataDir: string;
  /** A user whose recommendations are cached after the first request. */
  user: string;
  /** Interleaved batches per setting (default 30). */
  batches?: number;
  /** Requests per batch (default 400). */
  batchSize?: number;
}

/** Median CPU µs per request, by endpoint label, then by setting label. */
export type LogCost = Map<string, Map<string, number>>;

/** Measures each `LOG_CHOICES` setting on a cached read and a cache-hit user request. */
export async function measureLogCost(
  options: LogCostOptions,
): Promise<LogCost> {
  const secret = crypto.randomUUID();
  const base = {
    DATA_DIR: options.dataDir,
    EMBEDDER: "tfidf",
    LOCAL_AUTH_SECRET: secret,
    LOG_LEVEL: "info",
    GOOGLE_CLOUD_PROJECT: "bench-project",
  };
  const store = await openStore(parseConfig(base));
  // one serving for every app: the apps differ in their request log only
  const serving = buildServing(store, parseConfig(base));
  const devNull = await Deno.open("/dev/null", { write: true });
  const sink = bufferedSink({
    writeBytes: (bytes) => {
      let written = 0;
      while (written < bytes.length) {
        written += devNull.writeSync(bytes.subarray(written));
      }
    },
  });
  const token = await benchToken(secret, options.user);
  const endpoints: [string, string, Record<string, string>][] = [
    ["GET /api/movies/1 (stored bytes)", "/api/movies/1", CLOUD_RUN_HEADERS],
    [
      "GET /api/recommendations/user/me, cache hit (middleware chain)",
      "/api/recommendations/user/me",
      { ...CLOUD_RUN_HEADERS, Authorization: `Bearer ${token}` },
    ],
  ];
  const cost: LogCost = new Map();
  try {
    const apps = LOG_CHOICES.map(([label, env]) => {
      const config = parseConfig({ ...base, ...env });
      const logger = jsonLogger({ level: config.LOG_LEVEL, write: sink.write });
      return { label, app: createApp({ config, store, logger, serving }) };
    });
    for (const [endpoint, path, headers] of endpoints) {
      const batch = async (app: (typeof apps)[number]["app"], n: number) => {
        for (let i = 0; i < n; i++) {
          const response = await app.fetch(
            new Request(`http://127.0.0.1${path}`, { headers }),
          );
          await response.arrayBuffer();
        }
      };
      // warm: caches filled, code optimised
      for (const { app } of apps) await batch(app, 2000);
      const times = new Map<string, number[]>(apps.map((a) => [a.label, []]));
      const size = options.batchSize ?? 400;
      for (let b = 0; b < (options.batches ?? 30); b++) {
        // a rotating order, so no setting always follows the one whose
        // garbage it may have to collect
        const order = [
          ...apps.slice(b % apps.length),
          ...apps.slice(0, b % apps.length),
        ];
        for (const { label, app } of order) {
          const before = process.cpuUsage();
          await batch(app, size);
          const used = process.cpuUsage(before);
          times.get(label)!.push((used.user + used.system) / size);
        }
      }
      cost.set(
        endpoint,
        new Map([...times].map(([label, t]) => [label, median(t)])),
      );
    }
    return cost;
  } finally {
    sink.close();
    devNull.close();
    await store.close();
  }
}
