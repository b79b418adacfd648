/**
 * Servers under test, each in its own process so that its memory and start
 * time are its own: the API (`api/main.ts`) and a bare `Deno.serve`
 * hello-world, the ceiling of what any handler can reach here.
 */
import { SignJWT } from "jose";
import { LOCAL_ISSUER } from "../../api/auth/local.ts";
import { TOKEN_AUDIENCE } from "../../api/auth/token.ts";

/** A server process started by the benchmark. */
export interface BenchServer {
  url: URL;
  pid: number;
  /** When the process was spawned (performance.now()). */
  spawnedAt: number;
  /** Kills the process and waits for it to exit. */
  stop(): Promise<void>;
  /** The last lines the process printed, for error messages. */
  output(): Promise<string>;
}

const REPO = new URL("../..", import.meta.url).pathname;
const HELLO =
  `Deno.serve({ port: Number(Deno.args[0]), hostname: "127.0.0.1" }, () => new Response("Hello, world"));`;

/**
 * Environment of a cache-missed run: a one-entry cache, so that each
 * request of a rotating user misses, and no limit on uncached reads — wrk
 * is one client address, and the default 120 a minute would otherwise turn
 * most of the run into fast 429 answers.
 */
export const CACHE_MISS_ENV: Record<string, string> = {
  CACHE_MAX_ENTRIES: "1",
  READ_RATE_LIMIT_PER_MINUTE: "100000000",
};

/** A free loopback port (the OS picks it; closed before the server binds). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

function spawn(
  args: string[],
  env: Record<string, string>,
  port: number,
  logPath: string,
): BenchServer {
  const spawnedAt = performance.now();
  // The shell redirects the server's output straight into the log file and
  // then becomes the server (exec: same pid). No pipe for this process to
  // drain, so a chatty server pays what it would pay writing to a fast
  // reader, and the benchmark's own reading takes no CPU from it.
  const quoted = `'${logPath.replaceAll("'", `'\\''`)}'`;
  const child = new Deno.Command("/bin/sh", {
    args: ["-c", `exec "$@" > ${quoted} 2>&1`, "sh", Deno.execPath(), ...args],
    cwd: REPO,
    env,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let stopped: Promise<void> | undefined;
  return {
    url: new URL(`http://127.0.0.1:${port}/`),
    pid: child.pid,
    spawnedAt,
    stop() {
      stopped ??= (async () => {
        try {
          child.kill("SIGTERM");
        } catch (error) {
          // already exited: nothing to stop
          if (!(error instanceof TypeError)) throw error;
        }
        await child.status;
      })();
      return stopped;
    },
    async output() {
      const text = await Deno.readTextFile(logPath);
      return text.split("\n").slice(-20).join("\n");
    },
  };
}

/** Options for `startServer`. */
export interface StartServerOptions {
  /** Folder of the store (DATA_DIR). */
  dataDir: string;
  /** Secret local tokens are signed with (LOCAL_AUTH_SECRET). */
  authSecret: string;
  logPath: string;
  /** Extra `deno` arguments ahead of the script (e.g. `--cpu-prof`). */
  denoFlags?: string[];
}

/**
 * Starts `deno <args>` (api/main.ts or main.ts) on a free port with an
 * embedded SQLite store in `dataDir` and `env` on top; cloud services are
 * switched off so that nothing leaves loopback. Does not wait for it to
 * answer (see `waitFor`).
 */
export function startServer(
  served: { args: string[]; env: Record<string, string> },
  options: StartServerOptions,
): Promise<BenchServer> {
  const port = freePort();
  const env = {
    DATA_DIR: options.dataDir,
    PORT: String(port),
    STORE: "sqlite",
    LOCAL_AUTH_SECRET: options.authSecret,
    // an empty variable means "not set": no Supabase, Upstash or MongoDB
    SUPABASE_URL: "",
    SUPABASE_JWT_SECRET: "",
    UPSTASH_REDIS_REST_URL: "",
    UPSTASH_REDIS_REST_TOKEN: "",
    MONGODB_URI: "",
    GCS_BUCKET: "",
    ...served.env,
  };
  const [command, ...rest] = served.args;
  return Promise.resolve(spawn(
    [command, ...(options.denoFlags ?? []), ...rest],
    env,
    port,
    options.logPath,
  ));
}

/** Options for `startApi`. */
export interface StartApiOptions extends StartServerOptions {
  /** Extra environment (EMBEDDER, RECOMMENDER, CACHE_MAX_ENTRIES …). */
  env?: Record<string, string>;
  /** V8 flags, as the Dockerfile's CMD passes them (`--v8-flags=…`). */
  v8Flags?: string;
}

/** The `--v8-flags=` value in a deno command line, or "" without one. */
export function v8FlagsOf(args: string[]): string {
  const flag = args.find((arg) => arg.startsWith("--v8-flags="));
  return flag ? flag.slice("--v8-flags=".length) : "";
}

/**
 * Starts `api/main.ts` alone with `LOG_LEVEL=warning` (the API as the
 * benchmark measured it before the shipped configurations were), unless
 * `env` says otherwise.
 */
export function startApi(options: StartApiOptions): Promise<BenchServer> {
  const flags = options.v8Flags ? [`--v8-flags=${options.v8Flags}`] : [];
  return startServer({
    args: ["run", "-A", ...flags, "api/main.ts"],
    // one JSON line per request would measure the log pipe, not the API
    env: { LOG_LEVEL: "warning", ...options.env },
  }, options);
}

/** CPU seconds (user + system, every thread) a process has used so far. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  // fields after the command name, which may hold spaces: ") S ppid …"
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / CLOCK_TICKS;
}

/** USER_HZ on Linux (getconf CLK_TCK), the unit of /proc/<pid>/stat times. */
const CLOCK_TICKS = 100;

/**
 * A bare `Deno.serve` answering a fixed response the way the fast path does
 * (a template's clone plus a fresh `X-Request-Id`), with no app code: what
 * Deno alone costs for those headers and bytes.
 */
const REPLAY = `const [port, file] = Deno.args;
const { status, headers, body } = JSON.parse(Deno.readTextFileSync(file));
const template = new Response(body, { status, headers });
Deno.serve({ port: Number(port), hostname: "127.0.0.1", onListen() {} }, (request) => {
  request.headers.get("x-request-id");
  const response = template.clone();
  response.headers.set("X-Request-Id", crypto.randomUUID());
  return response;
});`;

/** A response as `startReplay` serves it again. */
export interface RecordedResponse {
  status: number;
  headers: [string, string][];
  body: string;
}

/** Fetches `url` once and records what it answered, minus date and request id. */
export async function recordResponse(
  url: URL,
  headers: Record<string, string> = {},
): Promise<RecordedResponse> {
  const response = await fetch(url, { headers });
  return {
    status: response.status,
    headers: [...response.headers].filter(([name]) =>
      !["date", "x-request-id", "content-length"].includes(name)
    ),
    body: await response.text(),
  };
}

/** Starts a bare server that answers every request with `recorded`. */
export async function startReplay(
  recorded: RecordedResponse,
  logPath: string,
): Promise<BenchServer> {
  const port = freePort();
  const file = `${logPath}.json`;
  await Deno.writeTextFile(file, JSON.stringify(recorded));
  return spawn(["eval", REPLAY, String(port), file], {}, port, logPath);
}

/** Starts the bare hello-world server on a free port. */
export function startHello(logPath: string): Promise<BenchServer> {
  const port = freePort();
  return Promise.resolve(
    spawn(["eval", HELLO, String(port)], {}, port, logPath),
  );
}

/**
 * Polls `url` until it answers 200 and returns the time since the server
 * was spawned, in ms. Throws with the server's output after `timeoutMs`.
 */
export async function waitFor(
  server: BenchServer,
  path: string,
  headers: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<number> {
  const url = new URL(path, server.url);
  const deadline = performance.now() + timeoutMs;
  let last = "no answer";
  while (performance.now() < deadline) {
    try {
      const response = await fetch(url, { headers });
      await response.body?.cancel();
      if (response.status === 200) return performance.now() - server.spawnedAt;
      last = `status ${response.status}`;
    } catch (error) {
      // refused until the server listens
      if (!(error instanceof TypeError)) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(
    `Expected ${url} to answer 200 within ${timeoutMs} ms, last: ${last}. Server output:\n${await server
      .output()}`,
  );
}

/** Peak resident set size of a process in MB (VmHWM), or NaN when gone. */
export async function peakRssMb(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const match = status.match(/^VmHWM:\s+(\d+)\s+kB/m);
  return match ? Number(match[1]) / 1024 : NaN;
}

/** A token the API accepts for `userId`, signed as local auth signs them. */
export function benchToken(secret: string, userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    email: `${userId}@bench.invalid`,
    role: "authenticated",
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(userId)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuer(LOCAL_ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(new TextEncoder().encode(secret));
}
