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

/** A free loopback port (the OS picks it; closed before the server binds). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function spawn(
  args: string[],
  env: Record<string, string>,
  port: number,
  logPath: string,
): Promise<BenchServer> {
  const spawnedAt = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: REPO,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Drain both pipes into a file so that a chatty server never blocks.
  const log = await Deno.open(logPath, {
    write: true,
    create: true,
    truncate: true,
  });
  const writer = new WritableStream<Uint8Array>({
    write: (chunk) => log.write(chunk).then(() => {}),
  });
  const drained = Promise.all([
    child.stdout.pipeTo(writer, { preventClose: true }),
    child.stderr.pipeTo(
      new WritableStream({ write: (chunk) => log.write(chunk).then(() => {}) }),
    ),
  ]).finally(() => log.close());
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
        await drained;
      })();
      return stopped;
    },
    async output() {
      const text = await Deno.readTextFile(logPath);
      return text.split("\n").slice(-20).join("\n");
    },
  };
}

/** Options for `startApi`. */
export interface StartApiOptions {
  /** Folder of the store (DATA_DIR). */
  dataDir: string;
  /** Extra environment (EMBEDDER, RECOMMENDER, CACHE_MAX_ENTRIES …). */
  env?: Record<string, string>;
  /** Secret local tokens are signed with (LOCAL_AUTH_SECRET). */
  authSecret: string;
  logPath: string;
  /** V8 flags, as the Dockerfile's CMD passes them (`--v8-flags=…`). */
  v8Flags?: string;
}

/**
 * The V8 flags the Dockerfile's CMD gives the API, so that the benchmark
 * runs the API as it is deployed; "" when it passes none.
 */
export async function deployedV8Flags(): Promise<string> {
  const dockerfile = await Deno.readTextFile(`${REPO}Dockerfile`);
  const cmd = dockerfile.match(/^CMD\s+(\[.*\])\s*$/m);
  if (!cmd) {
    throw new Error(
      "Expected a CMD [...] line in the Dockerfile, found none",
    );
  }
  const argv: string[] = JSON.parse(cmd[1]);
  const flag = argv.find((arg) => arg.startsWith("--v8-flags="));
  return flag ? flag.slice("--v8-flags=".length) : "";
}

/**
 * Starts `api/main.ts` on a free port with an embedded SQLite store in
 * `dataDir`; cloud services are switched off so that nothing leaves loopback.
 * Does not wait for it to answer (see `waitFor`).
 */
export function startApi(options: StartApiOptions): Promise<BenchServer> {
  const port = freePort();
  const env = {
    DATA_DIR: options.dataDir,
    PORT: String(port),
    STORE: "sqlite",
    LOCAL_AUTH_SECRET: options.authSecret,
    // one JSON line per request would measure the log pipe, not the API
    LOG_LEVEL: "warning",
    // an empty variable means "not set": no Supabase, Upstash or MongoDB
    SUPABASE_URL: "",
    SUPABASE_JWT_SECRET: "",
    UPSTASH_REDIS_REST_URL: "",
    UPSTASH_REDIS_REST_TOKEN: "",
    MONGODB_URI: "",
    GCS_BUCKET: "",
    ...options.env,
  };
  const flags = options.v8Flags ? [`--v8-flags=${options.v8Flags}`] : [];
  return spawn(
    ["run", "-A", ...flags, "api/main.ts"],
    env,
    port,
    options.logPath,
  );
}

/** Starts the bare hello-world server on a free port. */
export function startHello(logPath: string): Promise<BenchServer> {
  const port = freePort();
  return spawn(["eval", HELLO, String(port)], {}, port, logPath);
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
