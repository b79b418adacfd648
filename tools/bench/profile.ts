/**
 * Where a server's time goes under load: V8 CPU profiles (`deno run
 * --cpu-prof`) of a shipped configuration, taken while wrk loads it, summed
 * by self time into the parts of the request path (Deno's HTTP server,
 * Request/Response/Headers, Hono, the request log, the recommenders …).
 */
import type { ServedConfig } from "./configs.ts";
import { type BenchServer, startServer, waitFor } from "./server.ts";
import { runWrk, type WrkOptions } from "./wrk.ts";

/** The parts of a Chrome/V8 `.cpuprofile` the summary reads. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** One part's share of the profiled time. */
export interface Share {
  name: string;
  /** 0 to 1. */
  share: number;
}

/** Shares by part of the request path, and the busiest functions. */
export interface ProfileSummary {
  /** Milliseconds of samples summarised. */
  sampledMs: number;
  parts: Share[];
  /** Functions by self time, "name (file:line)". */
  functions: Share[];
}

/** Parts of the request path, first match wins; `test` sees the frame's URL and name. */
const PARTS: [string, (url: string, fn: string) => boolean][] = [
  [
    "outside JavaScript: Deno's HTTP server in Rust, system calls, waiting for the CPU (V8 `(idle)`)",
    (_, fn) => fn === "(idle)",
  ],
  ["V8 itself (`(program)`)", (_, fn) => fn === "(program)"],
  ["garbage collection", (_, fn) => fn === "(garbage collector)"],
  [
    "Deno ops called from JavaScript (response head and body to Rust, request headers, clock …)",
    (url, fn) => !url && fn.startsWith("op_"),
  ],
  [
    "Deno.serve's JavaScript (ext:deno_http)",
    (url) => url.startsWith("ext:deno_http"),
  ],
  [
    "Request, Response and Headers (ext:deno_fetch, ext:deno_web, webidl, core)",
    (url) => url.startsWith("ext:"),
  ],
  [
    "Hono (router, middleware)",
    (url) => /node_modules\/.*\/hono\//.test(url) || /\/hono\/dist\//.test(url),
  ],
  [
    "request log (api/logger.ts, api/middleware/request_log.ts)",
    (url) => /\/api\/(logger|middleware\/request_log)\.ts$/.test(url),
  ],
  [
    "fast path (api/cached_responses.ts)",
    (url) => url.endsWith("/api/cached_responses.ts"),
  ],
  [
    "one-port dispatch (web/server.ts)",
    (url) => url.endsWith("/web/server.ts"),
  ],
  ["recommenders and vectors (core/)", (url) => url.includes("/core/")],
  ["serving (serving/)", (url) => url.includes("/serving/")],
  ["store and cache (store/)", (url) => url.includes("/store/")],
  ["API routes, auth, middleware (api/)", (url) => url.includes("/api/")],
  ["web pages (web/)", (url) => url.includes("/web/")],
  ["other npm packages (zod, jose …)", (url) => url.includes("node_modules")],
];

const OTHER = "other";

/** The part of the request path a frame belongs to. */
export function partOf(url: string, functionName: string): string {
  for (const [name, test] of PARTS) if (test(url, functionName)) return name;
  return OTHER;
}

function shares(totals: Map<string, number>, all: number): Share[] {
  return [...totals].map(([name, us]) => ({ name, share: us / all }))
    .sort((a, b) => b.share - a.share);
}

/**
 * Sums the samples of the last `windowUs` µs of `profile` (the load run,
 * not start-up) by part and by function, by self time.
 */
export function summariseProfile(
  profile: CpuProfile,
  windowUs = Infinity,
): ProfileSummary {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byPart = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let time = profile.startTime;
  const times = profile.timeDeltas.map((d) => (time += d));
  const from = (times.at(-1) ?? 0) - windowUs;
  let all = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    if (times[i] < from) continue;
    const delta = profile.timeDeltas[i + 1] ?? 0;
    const frame = nodes.get(profile.samples[i])!.callFrame;
    const part = partOf(frame.url, frame.functionName);
    byPart.set(part, (byPart.get(part) ?? 0) + delta);
    if (!frame.functionName.startsWith("(")) {
      const file = frame.url.replace(
        /^.*\/(node_modules\/\.deno\/[^/]+\/node_modules\/|(?=(api|web|core|store|serving)\/))/,
        "",
      );
      const key = `${frame.functionName || "(anonymous)"} (${file || "native"}${
        file ? `:${frame.lineNumber + 1}` : ""
      })`;
      byFunction.set(key, (byFunction.get(key) ?? 0) + delta);
    }
    all += delta;
  }
  return {
    sampledMs: all / 1000,
    parts: shares(byPart, all),
    functions: shares(byFunction, all).slice(0, 8),
  };
}

/** Options for `profileUnderLoad`. */
export interface ProfileRunOptions {
  served: Pick<ServedConfig, "args" | "env">;
  /** Environment on top (e.g. a one-entry cache for misses). */
  env?: Record<string, string>;
  dataDir: string;
  authSecret: string;
  /** Folder for the profile and the server log. */
  dir: string;
  path: string;
  /** Headers of the warming request (a token for user routes). */
  warmHeaders?: Record<string, string>;
  wrk: WrkOptions;
}

/** Runs the server with `--cpu-prof`, loads `path`, stops it and summarises its profile. */
export async function profileUnderLoad(
  options: ProfileRunOptions,
): Promise<ProfileSummary> {
  await Deno.mkdir(options.dir, { recursive: true });
  const server: BenchServer = await startServer(
    {
      args: options.served.args,
      env: { ...options.served.env, ...options.env },
    },
    {
      dataDir: options.dataDir,
      authSecret: options.authSecret,
      logPath: `${options.dir}/server.log`,
      denoFlags: ["--cpu-prof", `--cpu-prof-dir=${options.dir}`],
    },
  );
  try {
    await waitFor(server, "/health/ready", {}, 120_000);
    await waitFor(server, options.path, options.warmHeaders);
    await runWrk(new URL(options.path, server.url), options.wrk);
  } finally {
    await server.stop(); // SIGTERM: the profile is written on exit
  }
  const file = [...Deno.readDirSync(options.dir)].find((e) =>
    e.name.endsWith(".cpuprofile")
  );
  if (!file) {
    throw new Error(
      `Expected a .cpuprofile in ${options.dir} after the server stopped, found none. Server output:\n${await server
        .output()}`,
    );
  }
  const profile: CpuProfile = JSON.parse(
    await Deno.readTextFile(`${options.dir}/${file.name}`),
  );
  return summariseProfile(profile, (options.wrk.duration ?? 5) * 1e6);
}
