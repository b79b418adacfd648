/**
 * The configurations people run, side by side with the API alone and a bare
 * `Deno.serve`, in one run: every server is started first (idle ones cost
 * nothing), then each round loads them one at a time, endpoint by endpoint,
 * with a bare-server run right before each endpoint's group, so every ratio
 * compares runs a few seconds apart. The order rotates each round; medians
 * over rounds go in the table. Server CPU per request (from /proc) is
 * reported too: it moves less than throughput when neighbours load the
 * machine.
 */
import { CLOUD_RUN_HEADERS, shippedConfigs } from "./configs.ts";
import {
  type BenchServer,
  benchToken,
  CACHE_MISS_ENV,
  cpuSeconds,
  peakRssMb,
  recordResponse,
  startHello,
  startReplay,
  startServer,
  v8FlagsOf,
  waitFor,
} from "./server.ts";
import { median } from "./stats.ts";
import { rotatingTokenScript, runWrk, type WrkOptions } from "./wrk.ts";

const USER_RECS = "/api/recommendations/user/me";

/** The endpoints of the side-by-side table. */
export const ENDPOINTS = {
  movie: "GET /api/movies/1",
  item: "GET /api/recommendations/item/1",
  userHit: `GET ${USER_RECS}, cache hit`,
  userMiss: `GET ${USER_RECS}, cache missed, 1 connection`,
} as const;
export type Endpoint = keyof typeof ENDPOINTS;

const PATHS: Record<Exclude<Endpoint, "userMiss">, string> = {
  movie: "/api/movies/1",
  item: "/api/recommendations/item/1",
  userHit: USER_RECS,
};

/** Sample names of the two bare servers. */
export const BARE = "bare Deno.serve";
export const REPLAY = "bare Deno.serve, the API's answer";

/** A server under test and what it is asked. */
export interface Contender {
  name: string;
  /** The command line, for the document. */
  command: string;
  /** Where the configuration comes from and what stands in for the cloud. */
  about: string;
  args: string[];
  env: Record<string, string>;
  /** Headers on every request (Cloud Run's for the container). */
  headers: Record<string, string>;
  endpoints: Endpoint[];
  /** Counts towards the targets (the shipped configurations). */
  shipped: boolean;
}

/** What one wrk run of one server measured. */
export interface Sample {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** Server CPU (user + system) per answered request. */
  cpuUsPerRequest: number;
  /** requestsPerSec over the bare server's run just before (NaN for misses). */
  ratio: number;
}

/** Every sample, by contender name and endpoint. */
export type Samples = Map<string, Map<Endpoint, Sample[]>>;

/** Options for `benchShipped`. */
export interface ShippedBenchOptions {
  dataDir: string;
  tempDir: string;
  /** The MovieLens user of the cache-hit runs, e.g. "ml:414". */
  user: string;
  /** Users the cache-missed runs rotate through. */
  rotationUsers: string[];
  /** Seconds per wrk run (default 3). */
  duration?: number;
  /** Rounds over every server (default 3). */
  rounds?: number;
  connections?: number;
  log?: (line: string) => void;
}

/** The contenders: the API alone as benchmarked before, and the shipped ones. */
export async function contenders(): Promise<Contender[]> {
  const [start, container] = await shippedConfigs();
  const all: Endpoint[] = ["movie", "item", "userHit", "userMiss"];
  const v8 = v8FlagsOf(container.args);
  const apiAlone: Contender = {
    name: "API alone",
    command: `deno run -A --v8-flags=${v8} api/main.ts`,
    about:
      "the previous benchmark: api/main.ts with LOG_LEVEL=warning, so no request lines",
    args: ["run", "-A", `--v8-flags=${v8}`, "api/main.ts"],
    env: { EMBEDDER: "tfidf", LOG_LEVEL: "warning" },
    headers: {},
    endpoints: all,
    shipped: false,
  };
  const shipped = [start, container].map((c): Contender => ({
    name: c.name,
    command: `deno ${c.args.join(" ")}`,
    about: `${c.source}; here: ${c.standIns.join(", ")}`,
    args: c.args,
    env: c.env,
    headers: c === container ? CLOUD_RUN_HEADERS : {},
    endpoints: all,
    shipped: true,
  }));
  return [apiAlone, ...shipped];
}

function add(samples: Samples, name: string, endpoint: Endpoint, s: Sample) {
  const byEndpoint = samples.get(name) ?? new Map<Endpoint, Sample[]>();
  samples.set(name, byEndpoint);
  byEndpoint.set(endpoint, [...(byEndpoint.get(endpoint) ?? []), s]);
}

/** One wrk run with the server's CPU time around it. */
async function measure(
  server: BenchServer,
  url: URL,
  options: WrkOptions,
): Promise<Omit<Sample, "ratio">> {
  const before = await cpuSeconds(server.pid);
  const result = await runWrk(url, options);
  const after = await cpuSeconds(server.pid);
  return {
    requestsPerSec: result.requestsPerSec,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    errors: result.errors,
    cpuUsPerRequest: ((after - before) * 1e6) / Math.max(1, result.requests),
  };
}

async function startAll(
  list: Contender[],
  env: Record<string, string>,
  options: ShippedBenchOptions & { authSecret: string; suffix: string },
): Promise<BenchServer[]> {
  const servers: BenchServer[] = [];
  try {
    for (const [i, c] of list.entries()) {
      const server = await startServer(
        { args: c.args, env: { ...c.env, ...env } },
        {
          dataDir: options.dataDir,
          authSecret: options.authSecret,
          logPath: `${options.tempDir}/shipped_${options.suffix}_${i}.log`,
        },
      );
      servers.push(server);
      await waitFor(server, "/health/ready", {}, 120_000);
    }
    return servers;
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop()));
    throw error;
  }
}

/** Runs every contender; returns the samples and each server's peak RSS. */
export async function benchShipped(
  options: ShippedBenchOptions,
): Promise<{
  list: Contender[];
  samples: Samples;
  rssMb: Map<string, number>;
  /** 1-minute load averages seen at each round and at the end. */
  loads: number[];
}> {
  const log = options.log ?? (() => {});
  const rounds = options.rounds ?? 3;
  const wrk = {
    duration: options.duration ?? 3,
    connections: options.connections ?? 32,
    threads: 2,
  };
  const authSecret = crypto.randomUUID();
  const auth = {
    Authorization: `Bearer ${await benchToken(authSecret, options.user)}`,
  };
  const list = await contenders();
  const samples: Samples = new Map();
  const rssMb = new Map<string, number>();
  const loads: number[] = [];
  const common = { ...options, authSecret };
  const hello = await startHello(`${options.tempDir}/shipped_hello.log`);
  try {
    await waitFor(hello, "/");
    log(`shipped: starting ${list.length} servers`);
    const servers = await startAll(list, {}, { ...common, suffix: "hit" });
    try {
      for (const [i, c] of list.entries()) {
        for (const endpoint of c.endpoints) {
          if (endpoint === "userMiss") continue;
          const headers = endpoint === "userHit"
            ? { ...c.headers, ...auth }
            : c.headers;
          await waitFor(servers[i], PATHS[endpoint], headers); // warms caches
        }
      }
      // The container's stored answer to movies/1, served by Deno alone.
      const container = list.findIndex((c) => c.name === "container");
      const replay = await startReplay(
        await recordResponse(
          new URL(PATHS.movie, servers[container].url),
          list[container].headers,
        ),
        `${options.tempDir}/shipped_replay.log`,
      );
      servers.push(replay);
      await waitFor(replay, "/");
      for (let round = 0; round < rounds; round++) {
        log(`shipped: round ${round + 1} of ${rounds}`);
        loads.push(await loadAverage());
        for (const endpoint of ["movie", "item", "userHit"] as const) {
          const bare = await measure(hello, hello.url, wrk);
          add(samples, BARE, endpoint, { ...bare, ratio: 1 });
          if (endpoint === "movie") {
            const s = await measure(replay, replay.url, wrk);
            add(samples, REPLAY, endpoint, {
              ...s,
              ratio: s.requestsPerSec / bare.requestsPerSec,
            });
          }
          const order = list.map((_, i) => i).filter((i) =>
            list[i].endpoints.includes(endpoint)
          );
          const shift = round % order.length;
          for (const i of [...order.slice(shift), ...order.slice(0, shift)]) {
            const c = list[i];
            const headers = endpoint === "userHit"
              ? { ...c.headers, ...auth }
              : c.headers;
            const s = await measure(
              servers[i],
              new URL(PATHS[endpoint], servers[i].url),
              { ...wrk, headers },
            );
            add(samples, c.name, endpoint, {
              ...s,
              ratio: s.requestsPerSec / bare.requestsPerSec,
            });
          }
        }
      }
      for (const [i, c] of list.entries()) {
        rssMb.set(c.name, await peakRssMb(servers[i].pid));
      }
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  } finally {
    await hello.stop();
  }

  // Misses: a one-entry cache, and users rotating so each request computes.
  const missing = list.filter((c) => c.endpoints.includes("userMiss"));
  log(
    `shipped: cache-missed user recommendations on ${missing.length} servers`,
  );
  const tokens = await Promise.all(
    options.rotationUsers.map((u) => benchToken(authSecret, u)),
  );
  const script = `${options.tempDir}/shipped_rotate.lua`;
  await Deno.writeTextFile(script, rotatingTokenScript(USER_RECS, tokens));
  const servers = await startAll(missing, CACHE_MISS_ENV, {
    ...common,
    suffix: "miss",
  });
  try {
    for (const [i, c] of missing.entries()) {
      await waitFor(servers[i], USER_RECS, { ...c.headers, ...auth });
    }
    for (let round = 0; round < rounds; round++) {
      for (const [i, c] of missing.entries()) {
        const s = await measure(
          servers[i],
          new URL(USER_RECS, servers[i].url),
          {
            ...wrk,
            connections: 1,
            threads: 1,
            script,
            headers: c.headers,
          },
        );
        add(samples, c.name, "userMiss", { ...s, ratio: NaN });
      }
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
  loads.push(await loadAverage());
  return { list, samples, rssMb, loads };
}

/** The 1-minute load average (other work on the machine). */
async function loadAverage(): Promise<number> {
  return Number((await Deno.readTextFile("/proc/loadavg")).split(" ")[0]);
}

/** The median of one figure over a contender's rounds at one endpoint. */
export function medianOf(
  samples: Samples,
  name: string,
  endpoint: Endpoint,
  figure: keyof Sample,
): number {
  return median((samples.get(name)?.get(endpoint) ?? []).map((s) => s[figure]));
}

/** Errors over every round of one contender at one endpoint. */
export function errorsOf(samples: Samples, name: string, endpoint: Endpoint) {
  return (samples.get(name)?.get(endpoint) ?? []).reduce(
    (sum, s) => sum + s.errors,
    0,
  );
}
