/**
 * CLI: `deno run -A tools/bench/scale/api.ts --data-dir DIR --users U`.
 * The API on a store the pipeline built (a synthetic ml-10m- or
 * ml-25m-shaped release, EMBEDDER=tfidf): time from spawn to ready and to
 * the first personalised answer, resident memory, and cache-missed user
 * recommendations at 1 connection (one user after another, each timed) and
 * at 32 (wrk rotating through the same users). Prints one JSON object.
 */
import { containerArgs } from "../configs.ts";
import {
  benchToken,
  CACHE_MISS_ENV,
  cpuSeconds,
  peakRssMb,
  startApi,
  v8FlagsOf,
  waitFor,
} from "../server.ts";
import { rotatingTokenScript, runWrk } from "../wrk.ts";

const HELP =
  `Usage: deno run -A tools/bench/scale/api.ts --data-dir DIR --users U [--sample N] [--seconds S]

  --data-dir DIR  store built by \`EMBEDDER=tfidf deno task pipeline\` (DATA_DIR)
  --users U       MovieLens users in it (ids 1…U, as deno task synth writes them)
  --sample N      users timed, spread evenly over 1…U (default 200)
  --seconds S     length of the 32-connection wrk run (default 10)`;

const USER_RECS = "/api/recommendations/user/me";

function flag(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

/** The q-quantile of `values` (nearest rank). */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

async function currentRssMb(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const match = status.match(/^VmRSS:\s+(\d+)\s+kB/m);
  return match ? Number(match[1]) / 1024 : NaN;
}

async function main(args: string[]): Promise<number> {
  const dataDir = flag(args, "--data-dir");
  const users = Number(flag(args, "--users"));
  if (args.includes("--help") || !dataDir || !(users > 0)) {
    console.error(HELP);
    return args.includes("--help") ? 0 : 2;
  }
  const sample = Number(flag(args, "--sample") ?? 200);
  const seconds = Number(flag(args, "--seconds") ?? 10);
  const secret = crypto.randomUUID();
  const userIds = Array.from(
    { length: Math.min(sample, users) },
    (_, i) => `ml:${1 + Math.floor((i * users) / Math.min(sample, users))}`,
  );
  const tokens = await Promise.all(userIds.map((u) => benchToken(secret, u)));
  const tempDir = await Deno.makeTempDir({ prefix: "scale_api_" });
  const api = await startApi({
    dataDir,
    authSecret: secret,
    logPath: `${tempDir}/api.log`,
    // as deployed (the Dockerfile's V8 flags); one cache entry: every
    // request of a rotating user misses the cache
    v8Flags: v8FlagsOf(await containerArgs()),
    env: { EMBEDDER: "tfidf", ...CACHE_MISS_ENV },
  });
  try {
    const readyMs = await waitFor(api, "/health/ready", {}, 300_000);
    const readyRssMb = await currentRssMb(api.pid);
    const auth = (i: number) => ({ Authorization: `Bearer ${tokens[i]}` });
    const firstMs = await waitFor(api, USER_RECS, auth(0), 300_000);
    const latencies: number[] = [];
    const cpuBefore = await cpuSeconds(api.pid);
    for (let i = 1; i < tokens.length; i++) {
      const started = performance.now();
      const response = await fetch(new URL(USER_RECS, api.url), {
        headers: auth(i),
      });
      await response.arrayBuffer();
      if (response.status !== 200) {
        throw new Error(`${userIds[i]}: expected 200, got ${response.status}`);
      }
      latencies.push(performance.now() - started);
    }
    // CPU per request: what a busy neighbour disturbs least
    const cpuMs = (await cpuSeconds(api.pid) - cpuBefore) * 1000 /
      latencies.length;
    const script = `${tempDir}/rotate.lua`;
    await Deno.writeTextFile(script, rotatingTokenScript(USER_RECS, tokens));
    const loaded = await runWrk(new URL(USER_RECS, api.url), {
      duration: seconds,
      connections: 32,
      threads: 2,
      script,
    });
    console.log(JSON.stringify(
      {
        readyMs: Math.round(readyMs),
        firstRecommendationMs: Math.round(firstMs),
        readyRssMb: Math.round(readyRssMb),
        oneConnection: {
          requests: latencies.length,
          p50Ms: +quantile(latencies, 0.5).toFixed(1),
          p99Ms: +quantile(latencies, 0.99).toFixed(1),
          cpuMsPerRequest: +cpuMs.toFixed(1),
        },
        connections32: {
          requestsPerSec: Math.round(loaded.requestsPerSec),
          p50Ms: +loaded.p50Ms.toFixed(1),
          p99Ms: +loaded.p99Ms.toFixed(1),
          errors: loaded.errors,
        },
        peakRssMb: Math.round(await peakRssMb(api.pid)),
      },
      null,
      2,
    ));
  } finally {
    await api.stop();
    await Deno.remove(tempDir, { recursive: true });
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
