/**
 * CLI: `deno run -A tools/bench/isolates.ts [--data-dir DIR] [--isolates 2]
 * [--rounds 3] [--duration 8]`. Compares the API serving with one isolate
 * and with `--isolates` (API_ISOLATES, api/isolates.ts) on cache-missed user
 * recommendations at 32 connections: the load issue 12 asks to spread over
 * the cores. Both servers run at once on one store (a one-entry cache, so
 * every request of the rotating MovieLens users with 100–300 ratings
 * misses, and no read limit: wrk is one client address); rounds alternate
 * which goes first. Prints req/s, p50, p99 and
 * the server's CPU per request per run, their medians, each process's peak
 * RSS (all its isolates) and the load average.
 *
 * Without `--data-dir` it runs the pipeline (tfidf) on ml-latest-small
 * into a temp folder first, as tools/cold_start.ts does.
 */
import { DATASET_DIR, median, prepareDataDir } from "../cold_start.ts";
import { ratingCounts } from "./data.ts";
import {
  type BenchServer,
  benchToken,
  CACHE_MISS_ENV,
  cpuSeconds,
  peakRssMb,
  startServer,
  waitFor,
} from "./server.ts";
import { rotatingTokenScript, runWrk } from "./wrk.ts";

const PATH = "/api/recommendations/user/me";

function flag(args: string[], name: string, fallback: string): string {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] ? args[at + 1] : fallback;
}

async function loadAverage(): Promise<string> {
  return (await Deno.readTextFile("/proc/loadavg")).split(" ")[0];
}

/** One row per server: its runs and peak RSS. */
interface Contender {
  isolates: number;
  server: BenchServer;
  runs: { rps: number; p50: number; p99: number; cpuUs: number }[];
}

async function main(args: string[]): Promise<void> {
  const isolates = Number(flag(args, "--isolates", "2"));
  const rounds = Number(flag(args, "--rounds", "3"));
  const duration = Number(flag(args, "--duration", "8"));
  const tempDir = await Deno.makeTempDir({ prefix: "bench_isolates_" });
  try {
    let dataDir = flag(args, "--data-dir", "");
    if (!dataDir) {
      dataDir = `${tempDir}/data`;
      console.log("pipeline (tfidf) on ml-latest-small …");
      await prepareDataDir(dataDir);
    }
    const counts = await ratingCounts(`${DATASET_DIR}/ratings.csv`);
    const users = [...counts].filter(([, n]) => n >= 100 && n <= 300)
      .map(([id]) => `ml:${id}`);
    const secret = crypto.randomUUID();
    const tokens = await Promise.all(users.map((u) => benchToken(secret, u)));
    const script = `${tempDir}/rotate.lua`;
    await Deno.writeTextFile(script, rotatingTokenScript(PATH, tokens));
    const contenders: Contender[] = [];
    for (const n of [1, isolates]) {
      const server = await startServer({
        args: [
          "run",
          "-A",
          "--unstable-net",
          "--v8-flags=--max-semi-space-size=4",
          "api/main.ts",
        ],
        env: {
          EMBEDDER: "tfidf",
          LOG_LEVEL: "warning",
          ...CACHE_MISS_ENV,
          API_ISOLATES: String(n),
        },
      }, { dataDir, authSecret: secret, logPath: `${tempDir}/api_${n}.log` });
      contenders.push({ isolates: n, server, runs: [] });
      // every isolate answers (the kernel spreads connections over them)
      const auth = { Authorization: `Bearer ${tokens[0]}` };
      await waitFor(server, PATH, auth, 120_000);
      for (let i = 0; i < 4 * n; i++) await waitFor(server, PATH, auth);
    }
    try {
      console.log(
        `${users.length} users rotating, 32 connections, ${duration} s runs, load average ${await loadAverage()}`,
      );
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 ? [...contenders].reverse() : contenders;
        for (const c of order) {
          const before = await cpuSeconds(c.server.pid);
          const result = await runWrk(new URL(PATH, c.server.url), {
            connections: 32,
            threads: 2,
            duration,
            script,
          });
          const cpu = await cpuSeconds(c.server.pid) - before;
          if (result.errors > 0) {
            throw new Error(
              `${result.errors} failed requests (${c.isolates} isolates)`,
            );
          }
          const run = {
            rps: result.requestsPerSec,
            p50: result.p50Ms,
            p99: result.p99Ms,
            cpuUs: cpu * 1e6 / Math.max(1, result.requests),
          };
          c.runs.push(run);
          console.log(
            `round ${round + 1}, ${c.isolates} isolate(s): ${
              run.rps.toFixed(0)
            } req/s, p50 ${run.p50.toFixed(1)} ms, p99 ${
              run.p99.toFixed(1)
            } ms, ${
              run.cpuUs.toFixed(0)
            } µs CPU/request (load ${await loadAverage()})`,
          );
        }
      }
      console.log(
        "\n| API_ISOLATES | req/s | p50 | p99 | CPU per request | peak RSS |",
      );
      console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
      for (const c of contenders) {
        const m = (pick: (r: Contender["runs"][0]) => number) =>
          median(c.runs.map(pick));
        console.log(
          `| ${c.isolates} | ${m((r) => r.rps).toFixed(0)} | ${
            m((r) => r.p50).toFixed(1)
          } ms | ${m((r) => r.p99).toFixed(1)} ms | ${
            m((r) => r.cpuUs).toFixed(0)
          } µs | ${(await peakRssMb(c.server.pid)).toFixed(0)} MB |`,
        );
      }
      console.log(`load average at the end: ${await loadAverage()}`);
    } finally {
      await Promise.all(contenders.map((c) => c.server.stop()));
    }
  } finally {
    await Deno.remove(tempDir, { recursive: true });
  }
}

if (import.meta.main) await main(Deno.args);
