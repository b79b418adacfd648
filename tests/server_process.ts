/**
 * A server as its own process, the way it runs in production: `main.ts`
 * (web + API, `deno task start`) or `api/main.ts` (the Cloud Run service),
 * on a free port, with its resident memory readable from /proc and its
 * logs collected. For tests of limits, faults and signals from the outside.
 * @module
 */
import { BASE_ENV, loadedDataDir, TINY_DATASET_ENV } from "./api_fixture.ts";

/** Options for `startServerProcess`. */
export interface ServerProcessOptions {
  /** Entry point, relative to the repository. */
  entry: "main.ts" | "api/main.ts";
  /** DATA_DIR (e.g. from `loadedDataDir`). */
  dataDir: string;
  /** On top of `BASE_ENV`, DATA_DIR and PORT. */
  env?: Record<string, string>;
  /** Extra `deno run` flags (e.g. V8 flags). */
  denoFlags?: string[];
}

/** A running server process. */
export interface ServerProcess {
  url: string;
  pid: number;
  /** Resident set size in bytes (VmRSS). */
  rss(): Promise<number>;
  /** Sends `signal` and waits for the exit; returns the code and the output. */
  stop(
    signal?: Deno.Signal,
  ): Promise<{ code: number; stdout: string; stderr: string }>;
}

/**
 * `startServerProcess` on a private copy of the loaded 12-movie fixture
 * (`TINY_DATASET_ENV`); the caller removes `dataDir`.
 */
export async function startOnTinyData(
  entry: ServerProcessOptions["entry"],
  env: Record<string, string> = {},
): Promise<{ server: ServerProcess; dataDir: string }> {
  const dataDir = await loadedDataDir(TINY_DATASET_ENV);
  return { server: await startServerProcess({ entry, dataDir, env }), dataDir };
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

/** VmRSS of a process, in bytes. */
export async function rssOf(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  if (!kb) throw new Error(`No VmRSS in /proc/${pid}/status`);
  return Number(kb) * 1024;
}

/**
 * Starts the server and resolves once `/health` answers 200 (within 120 s,
 * the first start of a busy machine included).
 */
export async function startServerProcess(
  options: ServerProcessOptions,
): Promise<ServerProcess> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...(options.denoFlags ?? []),
      new URL(`../${options.entry}`, import.meta.url).pathname,
    ],
    env: {
      ...BASE_ENV,
      DATA_DIR: options.dataDir,
      PORT: String(port),
      ...options.env,
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = child.output();
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  let up = false;
  while (!up && Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/health`);
      await res.body?.cancel();
      up = res.status === 200;
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  let stopped: ReturnType<ServerProcess["stop"]> | undefined;
  const stop: ServerProcess["stop"] = (signal = "SIGTERM") => {
    stopped ??= (async () => {
      try {
        child.kill(signal);
      } catch (error) {
        // already exited
        if (!(error instanceof TypeError)) throw error;
      }
      const out = await output;
      return {
        code: out.code,
        stdout: decode(out.stdout),
        stderr: decode(out.stderr),
      };
    })();
    return stopped;
  };
  if (!up) {
    const { stderr } = await stop("SIGKILL");
    throw new Error(
      `${options.entry} did not answer /health within 120 s:\n${
        stderr.slice(-2000)
      }`,
    );
  }
  return { url, pid: child.pid, rss: () => rssOf(child.pid), stop };
}
